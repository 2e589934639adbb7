module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'bench-orchestrator',
  coverageDirectory: '../../coverage/bench/bench-orchestrator',
};
