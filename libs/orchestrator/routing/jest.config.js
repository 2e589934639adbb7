module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'orchestrator-routing',
  coverageDirectory: '../../../coverage/libs/orchestrator/routing',
};
