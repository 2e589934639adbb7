module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator-engine',
  coverageDirectory: '../../../coverage/libs/orchestrator/engine',
};
