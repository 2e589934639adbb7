module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'api',
  coverageDirectory: '../../../coverage/libs/backends/api',
};
