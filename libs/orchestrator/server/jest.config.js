module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator-server',
  coverageDirectory: '../../../coverage/libs/orchestrator/server',
};
