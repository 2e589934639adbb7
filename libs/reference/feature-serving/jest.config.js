module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'reference-feature-serving',
  coverageDirectory: '../../../coverage/libs/reference/feature-serving',
};
