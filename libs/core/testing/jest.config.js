module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'testing',
  coverageDirectory: '../../../coverage/libs/core/testing',
};
