module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'model-serving',
  coverageDirectory: '../../coverage/libs/model-serving',
  testEnvironment: '<rootDir>/../../tools/models/onnxruntime.jest-environment.js',
};
