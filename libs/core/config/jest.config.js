module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'config',
  coverageDirectory: '../../../coverage/libs/core/config',
};
