module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'reference-model-serving',
  coverageDirectory: '../../../coverage/libs/reference/model-serving',
  testEnvironment: '<rootDir>/../../../tools/models/onnxruntime.jest-environment.js',
};
