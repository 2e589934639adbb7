module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'feature-server',
  coverageDirectory: '../../../coverage/apps/reference/feature-server',
};
