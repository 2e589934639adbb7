module.exports = {
  ...require('../../../../jest.preset.js'),
  displayName: 'orchestrator-backends-model',
  coverageDirectory: '../../../../coverage/libs/orchestrator/backends/model',
  testEnvironment: '<rootDir>/../../../../tools/models/onnxruntime.jest-environment.js',
};
