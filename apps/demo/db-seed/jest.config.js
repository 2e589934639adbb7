module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'db-seed',
  coverageDirectory: '../../../coverage/apps/demo/db-seed',
};
