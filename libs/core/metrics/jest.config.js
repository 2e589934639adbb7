module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-metrics',
  coverageDirectory: '../../../coverage/libs/core/metrics',
};
