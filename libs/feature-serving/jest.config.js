module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'feature-serving',
  coverageDirectory: '../../coverage/libs/feature-serving',
};
