module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'resilience',
  coverageDirectory: '../../../coverage/libs/core/resilience',
};
