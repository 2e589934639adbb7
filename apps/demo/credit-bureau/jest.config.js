module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'credit-bureau',
  coverageDirectory: '../../../coverage/apps/demo/credit-bureau',
};
