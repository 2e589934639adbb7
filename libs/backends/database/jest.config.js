module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'database',
  coverageDirectory: '../../../coverage/libs/backends/database',
};
