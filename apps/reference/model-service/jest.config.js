module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'model-service',
  coverageDirectory: '../../../coverage/apps/reference/model-service',
  testEnvironment: '<rootDir>/../../../tools/models/onnxruntime.jest-environment.js',
};
