module.exports = {
  ...require('../../../../jest.preset.js'),
  displayName: 'orchestrator-backends-text',
  coverageDirectory: '../../../../coverage/libs/orchestrator/backends/text',
};
