module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator-health',
  coverageDirectory: '../../../coverage/libs/orchestrator/health',
};
