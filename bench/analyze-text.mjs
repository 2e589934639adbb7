// `npm run bench:analyze-text`: what the orchestrator costs on top of the text service. The same
// text analysis is sent, with the same load, through the orchestrator's POST /analyze-text and
// straight to the text service's POST /analyze; the figures of both and their ratio are printed
// and written to bench/results/. The load is set as bench/harness.mjs says.
import { join } from 'node:path';
import { SAMPLE_TEXT, load, measure, printTable, ratioOf, runBenchmark, writeResults } from './harness.mjs';
import { SHARED_SECRET_DEFAULTS, appUrl, freePort, workspaceRoot } from '../tools/stack/services.mjs';

const body = JSON.stringify({ text: SAMPLE_TEXT });
const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body };

await runBenchmark('analyze-text', ['orchestrator', 'text-service'], async ({ start }) => {
  const env = {
    ...process.env,
    ...SHARED_SECRET_DEFAULTS,
    HOST: '127.0.0.1',
    // autocannon drops the connections in flight when a run ends: the cancelled calls log warnings.
    LOG_LEVEL: 'error',
    TEXT_SERVICE_PORT: String(await freePort()),
    ORCHESTRATOR_PORT: String(await freePort()),
    // Not started: /analyze-text uses neither.
    TRANSCRIPTION_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    CATALOG_API_URL: `http://127.0.0.1:${await freePort()}`,
    CONFIG_DIR: join(workspaceRoot, 'config'),
    CONFIG_WATCH: 'false',
  };
  env.TEXT_SERVICE_URL = appUrl('text-service', env);
  await start('text-service', env);
  await start('orchestrator', env, '/health/live');

  const targets = {
    orchestrator: {
      label: 'orchestrator  POST /analyze-text',
      url: `${appUrl('orchestrator', env)}/analyze-text`,
    },
    direct: { label: 'text-service  POST /analyze', url: `${appUrl('text-service', env)}/analyze` },
  };
  for (const { url } of Object.values(targets)) {
    const response = await fetch(url, request);
    if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }

  const figures = await measure(targets, request);
  const ratios = ratioOf(figures.orchestrator, figures.direct);
  printTable(
    `${load.connections} connections, ${load.durationS} s per target, ${Buffer.byteLength(body)}-byte body`,
    ['', 'req/s', 'p50 ms', 'p99 ms'],
    [
      ...Object.entries(targets).map(([key, { label }]) => [
        label,
        figures[key].requestsPerSecond,
        figures[key].latencyP50Ms,
        figures[key].latencyP99Ms,
      ]),
      ['ratio orchestrator / direct', ratios.requestsPerSecond, ratios.latencyP50Ms, ratios.latencyP99Ms],
    ],
  );
  writeResults('analyze-text', { payloadBytes: Buffer.byteLength(body) }, { ...figures, ratios });
});
