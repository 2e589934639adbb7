module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'composites',
  coverageDirectory: '../../coverage/libs/composites',
};
