module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-config',
  coverageDirectory: '../../../coverage/libs/core/config',
};
