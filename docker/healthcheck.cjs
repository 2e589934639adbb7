// The images' HEALTHCHECK: GET /health on this container's own port, with node's fetch (slim
// images have no curl). The port is read from the app's own port variable (named by
// HEALTHCHECK_PORT_VARIABLE), so that overriding, say, ORCHESTRATOR_PORT moves the check with it.
const port = process.env[process.env.HEALTHCHECK_PORT_VARIABLE] || process.env.HEALTHCHECK_DEFAULT_PORT;
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
