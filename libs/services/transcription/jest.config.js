module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'services-transcription',
  coverageDirectory: '../../../coverage/libs/services/transcription',
};
