module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-sources',
  coverageDirectory: '../../../coverage/libs/core/sources',
};
