// End-to-end: the tests start the built apps as processes, so they run one file at a time
// (ports, CPU) with generous timeouts, and print the apps' output when a test fails.
module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator-e2e',
  coverageDirectory: '../../../coverage/apps/orchestrator/orchestrator-e2e',
  testEnvironment: '<rootDir>/src/support/e2e-environment.ts',
  testTimeout: 60_000,
  maxWorkers: 1,
};
