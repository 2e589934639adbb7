module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'routing',
  coverageDirectory: '../../coverage/libs/routing',
};
