module.exports = {
  ...require('../../../../jest.preset.js'),
  displayName: 'orchestrator-backends-audio',
  coverageDirectory: '../../../../coverage/libs/orchestrator/backends/audio',
};
