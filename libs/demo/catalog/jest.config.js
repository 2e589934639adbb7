module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'demo-catalog',
  coverageDirectory: '../../../coverage/libs/demo/catalog',
};
