module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-http',
  coverageDirectory: '../../../coverage/libs/core/http',
};
