module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'feast',
  coverageDirectory: '../../../coverage/libs/backends/feast',
};
