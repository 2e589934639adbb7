// `npm run bench`: what the orchestrator costs on top of the text service. The same text
// analysis is sent, with the same load, through the orchestrator's POST /analyze-text and
// straight to the text service's POST /analyze; the figures of both and their ratio are printed
// and written to bench/results/.
//
// BENCH_DURATION_S (default 10) and BENCH_CONNECTIONS (default 10) set the load of each run,
// BENCH_WARMUP_S (default 3) the warm-up of each target before it.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appUrl,
  freePort,
  killOnExit,
  startApp,
  stopAll,
  waitHealthy,
  workspaceRoot,
} from '../tools/stack/services.mjs';

const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const warmupS = Number(process.env.BENCH_WARMUP_S ?? 3);

const body = JSON.stringify({
  text:
    'The new customer portal launched last week, and the feedback from our teams in London and ' +
    'Madrid has been overwhelmingly positive. Support tickets dropped by a third, response times ' +
    'improved, and several clients wrote to thank the engineering team for the clear, fast ' +
    'interface. A few users reported that the export feature is still slow with large reports, ' +
    'which is disappointing, but the fix is already scheduled for the next release. Overall, the ' +
    'launch was a great success and the product roadmap for the coming quarter looks promising.',
});

const children = [];
killOnExit(children);
const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal} received: stopping the apps`);
    await stopAll(children, 5_000);
    rmSync(workDir, { recursive: true, force: true });
    process.exit(130);
  });
}

async function main() {
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'orchestrator', 'text-service'], {
    cwd: workspaceRoot,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });

  // The apps run in an empty directory, so that a developer's .env does not change the figures.
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TEXT_SERVICE_PORT: String(await freePort()),
    ORCHESTRATOR_PORT: String(await freePort()),
    // Not started: /analyze-text does not use it.
    TRANSCRIPTION_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
  };
  env.TEXT_SERVICE_URL = appUrl('text-service', env);
  const textService = startApp('text-service', env, workDir);
  children.push(textService);
  const orchestrator = startApp('orchestrator', env, workDir);
  children.push(orchestrator);
  for (const child of children) child.stderr.pipe(process.stderr);
  await waitHealthy(`${appUrl('text-service', env)}/health`, textService);
  await waitHealthy(`${appUrl('orchestrator', env)}/health/live`, orchestrator);

  const targets = {
    orchestrator: {
      label: 'orchestrator  POST /analyze-text',
      url: `${appUrl('orchestrator', env)}/analyze-text`,
    },
    direct: { label: 'text-service  POST /analyze', url: `${appUrl('text-service', env)}/analyze` },
  };
  for (const { url } of Object.values(targets)) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }

  const figures = {};
  for (const [key, { label, url }] of Object.entries(targets)) {
    process.stdout.write(`warming up ${label} for ${warmupS} s… `);
    await load(url, warmupS);
    process.stdout.write(`measuring for ${durationS} s… `);
    const result = await load(url, durationS);
    const failed = result.non2xx + result.errors + result.timeouts;
    if (failed > 0) {
      throw new Error(
        `${label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
      );
    }
    figures[key] = {
      requestsPerSecond: round(result.requests.average),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      requests: result.requests.total,
    };
    process.stdout.write('done\n');
  }

  const ratios = {
    requestsPerSecond: round(figures.orchestrator.requestsPerSecond / figures.direct.requestsPerSecond),
    latencyP50Ms: round(figures.orchestrator.latencyP50Ms / figures.direct.latencyP50Ms),
    latencyP99Ms: round(figures.orchestrator.latencyP99Ms / figures.direct.latencyP99Ms),
  };
  printTable(targets, figures, ratios);

  const date = new Date().toISOString();
  const results = {
    benchmark: 'analyze-text',
    date,
    commit: gitCommit(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim()}`,
    load: { durationS, connections, warmupS, payloadBytes: Buffer.byteLength(body) },
    orchestrator: figures.orchestrator,
    direct: figures.direct,
    ratios,
  };
  const directory = join(workspaceRoot, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = join(directory, `analyze-text-${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(directory, 'analyze-text.latest.json'), json);
  console.log(`\nwritten to ${file.slice(workspaceRoot.length)} and bench/results/analyze-text.latest.json`);
}

function load(url, seconds) {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
}

function printTable(targets, figures, ratios) {
  const rows = [
    ['', 'req/s', 'p50 ms', 'p99 ms'],
    ...Object.entries(targets).map(([key, { label }]) => [
      label,
      figures[key].requestsPerSecond,
      figures[key].latencyP50Ms,
      figures[key].latencyP99Ms,
    ]),
    ['ratio orchestrator / direct', ratios.requestsPerSecond, ratios.latencyP50Ms, ratios.latencyP99Ms],
  ].map((row) => row.map(String));
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(
    `\n${connections} connections, ${durationS} s per target, ${Buffer.byteLength(body)}-byte body\n`,
  );
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column])))
        .join('   '),
    );
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: workspaceRoot }).toString().trim();
  } catch {
    return undefined;
  }
}

const round = (value) => Math.round(value * 100) / 100;

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`\nbench failed: ${error.message}`);
  exitCode = 1;
} finally {
  await stopAll(children, 15_000);
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
