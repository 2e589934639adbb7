// The images' HEALTHCHECK: GET $HEALTHCHECK_PATH (the HEALTH_PATH build arg, /health unless
// told) on this container's own port, with node's http module (slim
// images have no curl; fetch refuses the Fetch standard's "bad ports", feature-server's 6566
// among them). The port is read from the app's own port variable (named by
// HEALTHCHECK_PORT_VARIABLE), so that overriding, say, ORCHESTRATOR_PORT moves the check with it.
const { get } = require('node:http');

const port = process.env[process.env.HEALTHCHECK_PORT_VARIABLE] || process.env.HEALTHCHECK_DEFAULT_PORT;
const request = get({ host: '127.0.0.1', port, path: process.env.HEALTHCHECK_PATH || '/health', timeout: 4000 }, (response) => {
  response.resume();
  process.exit(response.statusCode >= 200 && response.statusCode < 300 ? 0 : 1);
});
request.on('timeout', () => request.destroy());
request.on('error', () => process.exit(1));
