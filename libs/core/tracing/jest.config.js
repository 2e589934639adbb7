module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-tracing',
  coverageDirectory: '../../../coverage/libs/core/tracing',
};
