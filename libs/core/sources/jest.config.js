module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'sources',
  coverageDirectory: '../../../coverage/libs/core/sources',
};
