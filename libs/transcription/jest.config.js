module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'transcription',
  coverageDirectory: '../../coverage/libs/transcription',
};
