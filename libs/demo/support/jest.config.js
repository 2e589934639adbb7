module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'demo-support',
  coverageDirectory: '../../../coverage/libs/demo/support',
};
