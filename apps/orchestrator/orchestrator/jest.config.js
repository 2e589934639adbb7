module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator',
  coverageDirectory: '../../../coverage/apps/orchestrator/orchestrator',
};
