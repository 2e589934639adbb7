module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'feature-server',
  coverageDirectory: '../../coverage/apps/feature-server',
};
