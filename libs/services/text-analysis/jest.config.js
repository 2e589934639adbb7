module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'services-text-analysis',
  coverageDirectory: '../../../coverage/libs/services/text-analysis',
};
