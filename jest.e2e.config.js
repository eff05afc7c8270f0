// Integration and e2e tiers: real PostgreSQL and Redis, a fresh database and Redis prefix per run.
module.exports = {
  ...require('./jest.shared'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testSequencer: '<rootDir>/test/support/sequencer.js',
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-check.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
