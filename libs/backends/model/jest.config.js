module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'model',
  coverageDirectory: '../../../coverage/libs/backends/model',
  testEnvironment: '<rootDir>/../../../tools/models/onnxruntime.jest-environment.js',
};
