module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-resilience',
  coverageDirectory: '../../../coverage/libs/core/resilience',
};
