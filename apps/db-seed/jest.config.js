module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'db-seed',
  coverageDirectory: '../../coverage/apps/db-seed',
};
