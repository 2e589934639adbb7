module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'contracts',
  coverageDirectory: '../../coverage/libs/contracts',
};
