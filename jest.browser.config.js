/**
 * Browser tests (a real Chromium through playwright-core) run apart from `npm test`:
 * they need a Chromium binary (`CHROMIUM_PATH`, default /usr/bin/chromium).
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // tsc's CommonJS as it is (see jest.config.js).
  transform: {},
  roots: ['<rootDir>/kit/dist', '<rootDir>/subgraphs', '<rootDir>/gateway/dist', '<rootDir>/e2e/dist'],
  testMatch: ['**/dist/**/*.browser.test.js'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/kit/dist/testing/global-setup.js',
  globalTeardown: '<rootDir>/kit/dist/testing/global-teardown.js',
  maxWorkers: 1,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/kit/dist/testing/summary-reporter.js'],
};
