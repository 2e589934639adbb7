module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator-composites',
  coverageDirectory: '../../../coverage/libs/orchestrator/composites',
};
