/**
 * Tests are TypeScript compiled by `tsc -b` (decorator metadata needs the real compiler);
 * jest runs the compiled files. `npm test` builds first.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The files are tsc's CommonJS already, and no test hoists jest.mock: babel-jest (Jest's
  // default transform) would only cost CPU on a fresh checkout (a sample of the suite: 60 -> 48 s).
  transform: {},
  roots: ['<rootDir>'],
  testMatch: ['**/dist/**/*.test.js'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/', '\\.(browser|cluster)\\.test\\.js$'],
  globalSetup: '<rootDir>/kit/dist/testing/global-setup.js',
  globalTeardown: '<rootDir>/kit/dist/testing/global-teardown.js',
  maxWorkers: 2,
  // A worker that ran half the suite holds ~750 MB of heap (1.1 GB RSS), and the process
  // takes 490-545 ms to tear that down after it exits cleanly: longer than the 500 ms Jest
  // waits, hence "A worker process has failed to exit gracefully" with no handle left open.
  // A worker above this size after a test file is replaced by a fresh one instead.
  workerIdleMemoryLimit: '512MB',
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/kit/dist/testing/summary-reporter.js'],
};
