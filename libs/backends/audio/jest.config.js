module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'audio',
  coverageDirectory: '../../../coverage/libs/backends/audio',
};
