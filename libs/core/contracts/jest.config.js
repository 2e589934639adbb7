module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'core-contracts',
  coverageDirectory: '../../../coverage/libs/core/contracts',
};
