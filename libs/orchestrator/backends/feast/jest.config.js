module.exports = {
  ...require('../../../../jest.preset.js'),
  displayName: 'orchestrator-backends-feast',
  coverageDirectory: '../../../../coverage/libs/orchestrator/backends/feast',
};
