module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'demo-data',
  coverageDirectory: '../../../coverage/libs/demo/data',
};
