module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'engine',
  coverageDirectory: '../../coverage/libs/engine',
};
