/**
 * Tests are TypeScript compiled by `tsc -b` (decorator metadata needs the real compiler);
 * jest runs the compiled files. `npm test` builds first.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/dist/**/*.test.js'],
  testPathIgnorePatterns: ['/node_modules/', '/.data/', '\\.browser\\.test\\.js$'],
  globalSetup: '<rootDir>/kit/dist/testing/global-setup.js',
  globalTeardown: '<rootDir>/kit/dist/testing/global-teardown.js',
  maxWorkers: 2,
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/kit/dist/testing/summary-reporter.js'],
};
