module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'text-analysis',
  coverageDirectory: '../../coverage/libs/text-analysis',
};
