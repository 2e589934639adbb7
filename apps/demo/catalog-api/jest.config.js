module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'catalog-api',
  coverageDirectory: '../../../coverage/apps/demo/catalog-api',
};
