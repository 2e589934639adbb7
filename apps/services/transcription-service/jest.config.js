module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'transcription-service',
  coverageDirectory: '../../../coverage/apps/services/transcription-service',
};
