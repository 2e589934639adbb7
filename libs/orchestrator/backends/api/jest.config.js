module.exports = {
  ...require('../../../../jest.preset.js'),
  displayName: 'orchestrator-backends-api',
  coverageDirectory: '../../../../coverage/libs/orchestrator/backends/api',
};
