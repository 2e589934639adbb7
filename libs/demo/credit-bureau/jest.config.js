module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'demo-credit-bureau',
  coverageDirectory: '../../../coverage/libs/demo/credit-bureau',
};
