module.exports = {
  ...require('../../../../jest.preset.js'),
  displayName: 'orchestrator-backends-database',
  coverageDirectory: '../../../../coverage/libs/orchestrator/backends/database',
};
