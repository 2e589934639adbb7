module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'config-check',
  coverageDirectory: '../../../coverage/apps/orchestrator/config-check',
};
