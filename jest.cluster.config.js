/**
 * Cluster tests (`npm run test:cluster`) run apart from `npm test`: the Kubernetes manifests
 * rendered by `kubectl kustomize`, the dashboards and alerts, tracing across processes and
 * the multi-replica proof, each starting processes of its own.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // tsc's CommonJS as it is (see jest.config.js).
  transform: {},
  roots: ['<rootDir>/kit/dist', '<rootDir>/subgraphs', '<rootDir>/gateway/dist', '<rootDir>/e2e/dist'],
  testMatch: ['**/dist/**/*.cluster.test.js'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/kit/dist/testing/global-setup.js',
  globalTeardown: '<rootDir>/kit/dist/testing/global-teardown.js',
  maxWorkers: 1,
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/kit/dist/testing/summary-reporter.js'],
};
