module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'http',
  coverageDirectory: '../../../coverage/libs/core/http',
};
