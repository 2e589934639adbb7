module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'text-service',
  coverageDirectory: '../../../coverage/apps/services/text-service',
};
