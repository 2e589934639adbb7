module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-testing',
  coverageDirectory: '../../../coverage/libs/core/testing',
};
