module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'demo-catalog-api',
  coverageDirectory: '../../coverage/libs/demo-catalog',
};
