module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'text',
  coverageDirectory: '../../../coverage/libs/backends/text',
};
