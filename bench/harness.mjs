// What the benchmarks of bench/ share: the load of each run, building and starting the apps they
// measure (through tools/stack/services.mjs), driving each target with autocannon, the table they
// print and the results they write to bench/results/.
//
// BENCH_DURATION_S (default 10) and BENCH_CONNECTIONS (default 10) set the load of each run,
// BENCH_WARMUP_S (default 3) the warm-up of each target, every one before the first is measured.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  SHARED_SECRET_DEFAULTS,
  appUrl,
  builtMain,
  freePort,
  killOnExit,
  startScript,
  stopAll,
  waitHealthy,
  workspaceRoot,
} from '../tools/stack/services.mjs';

/** Every process the running benchmark has started, so that the CPU they use can be told apart. */
const started = [];

/** The text the benchmarks send to be analysed: a 551-byte English paragraph as a JSON body. */
export const SAMPLE_TEXT =
  'The new customer portal launched last week, and the feedback from our teams in London and ' +
  'Madrid has been overwhelmingly positive. Support tickets dropped by a third, response times ' +
  'improved, and several clients wrote to thank the engineering team for the clear, fast ' +
  'interface. A few users reported that the export feature is still slow with large reports, ' +
  'which is disappointing, but the fix is already scheduled for the next release. Overall, the ' +
  'launch was a great success and the product roadmap for the coming quarter looks promising.';

export const load = {
  durationS: Number(process.env.BENCH_DURATION_S ?? 10),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  warmupS: Number(process.env.BENCH_WARMUP_S ?? 3),
};

/**
 * Runs one benchmark and exits: builds `projects`, then calls `main` with a work directory and
 * - `start(app, env, healthPath, servesAs)`, which starts a built app there and resolves once it
 *   answers 200 at `healthPath`;
 * - `launch(script, env, readyUrl, options)`, the same for any Node script: `options.nodeArgs`
 *   go before it, `options.logFile` takes its output (else it goes to stderr), `options.pollMs`
 *   is how often `readyUrl` is asked; the child it resolves with carries `readyMs`, the time from
 *   its spawn to the first 200;
 * - `stop(child, signal)`, which stops one of them and resolves once it has exited.
 * The apps run in that empty directory, so that a developer's .env does not change the figures;
 * they are stopped however the benchmark ends (Ctrl-C included).
 */
export async function runBenchmark(name, projects, main) {
  const children = started;
  killOnExit(children);
  const workDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const cleanUp = async (graceMs) => {
    await stopAll(children, graceMs);
    rmSync(workDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      console.error(`\n${signal} received: stopping the apps`);
      await cleanUp(5_000);
      process.exit(130);
    });
  }

  const launch = async (script, env, readyUrl, { nodeArgs, logFile, pollMs } = {}) => {
    const output = logFile ? openSync(logFile, 'a') : 'pipe';
    const spawnedAt = performance.now();
    const child = startScript(script, env, { cwd: workDir, nodeArgs, output });
    children.push(child);
    if (logFile) {
      closeSync(output);
    } else {
      // Their logs go to stderr: a pipe nobody reads would fill up and stall them.
      child.stdout.pipe(process.stderr);
      child.stderr.pipe(process.stderr);
    }
    await waitHealthy(readyUrl, child, undefined, pollMs);
    child.readyMs = round(performance.now() - spawnedAt);
    return child;
  };
  // `servesAs`: the app whose address it takes (the benchmark's orchestrator serves at the orchestrator's).
  const start = (app, env, healthPath = '/health', servesAs = app, options) =>
    launch(builtMain(app), env, `${appUrl(servesAs, env)}${healthPath}`, options);
  const stop = (child, signal) => stopAll([child], 15_000, signal);

  let exitCode = 0;
  try {
    execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...projects], {
      cwd: workspaceRoot,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    await main({ workDir, start, launch, stop });
  } catch (error) {
    console.error(`\n${name} bench failed: ${error.message}`);
    exitCode = 1;
  } finally {
    await cleanUp(15_000);
  }
  process.exit(exitCode);
}

/**
 * A copy of config/ in `workDir` with bench/config/ laid over it (the endpoints only the
 * benchmarks serve); returns its path, for CONFIG_DIR.
 */
export function benchConfiguration(workDir) {
  const configDir = join(workDir, 'config');
  cpSync(join(workspaceRoot, 'config'), configDir, { recursive: true });
  cpSync(join(workspaceRoot, 'bench', 'config'), configDir, { recursive: true });
  return configDir;
}

/**
 * The environment of an orchestrator in front of the demo catalog alone: both on free loopback
 * ports (CATALOG_API_URL pointing at the catalog), the catalog answering after `catalogDelayMs`,
 * the configuration in `configDir`, unwatched. The text and transcription services are named on
 * free ports but not started: the catalog's endpoints use neither. Logs only errors: autocannon
 * drops the connections in flight when a run ends, and the cancelled calls would log warnings.
 */
export async function catalogEnvironment({ configDir, catalogDelayMs }) {
  const env = {
    ...process.env,
    ...SHARED_SECRET_DEFAULTS,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    CATALOG_API_PORT: String(await freePort()),
    CATALOG_API_DELAY_MS: String(catalogDelayMs),
    ORCHESTRATOR_PORT: String(await freePort()),
    TEXT_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    TRANSCRIPTION_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    CONFIG_DIR: configDir,
    CONFIG_WATCH: 'false',
  };
  env.CATALOG_API_URL = appUrl('catalog-api', env);
  return env;
}

/**
 * Drives each target in turn with the same load (`request`: autocannon's method, headers and
 * body, which a target's own `request` adds to); any answer but a 2xx fails the run. Every target
 * is warmed up before the first is measured: they share code and downstream services, which the
 * first one would warm up alone. `options` overrides `load`'s connections, durationS and warmupS.
 * Returns the figures by target key, each with how busy the machine was meanwhile (`machine`).
 */
export async function measure(targets, request = {}, options = {}) {
  const { connections, durationS, warmupS } = { ...load, ...options };
  const requestOf = (target) => ({ ...request, ...target.request, connections });
  for (const target of Object.values(targets)) {
    process.stdout.write(`warming up ${target.label} for ${warmupS} s\n`);
    await drive(target.url, requestOf(target), warmupS);
  }
  const figures = {};
  for (const [key, target] of Object.entries(targets)) {
    process.stdout.write(`measuring ${target.label} for ${durationS} s… `);
    const before = machineSample();
    const result = await drive(target.url, requestOf(target), durationS);
    figures[key] = { ...figuresOf(target.label, result), machine: machineBetween(before) };
    process.stdout.write('done\n');
  }
  return figures;
}

/** autocannon's req/s, p50 and p99 of one run; throws when any answer was not a 2xx. */
export function figuresOf(label, result) {
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) {
    throw new Error(
      `${label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

/** One autocannon run of `seconds` against `url` (`request` holds its connections). */
export const drive = (url, request, seconds) =>
  autocannon({ connections: load.connections, ...request, url, duration: seconds });

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']));

/** The machine's busy CPU time and the benchmark's own (this process and those it started), in ticks. */
function machineSample() {
  const [, ...times] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const busy = times
    .slice(0, 8)
    .reduce((sum, ticks, index) => (index === 3 || index === 4 ? sum : sum + ticks), 0);
  const running = started.filter((child) => child.exitCode === null && child.signalCode === null);
  const own = ['self', ...running.map((child) => child.pid)]
    .map(processTicks)
    .reduce((sum, ticks) => sum + ticks, 0);
  return { at: performance.now(), busy, own, loadAverage: round(loadavg()[0]) };
}

/** utime + stime of a process, 0 once it is gone. */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * How busy the machine was since `before`: the 1-minute load average then and now, and how many
 * cores' worth of CPU went to other processes than the benchmark's (other engineers' work).
 */
export function machineBetween(before) {
  const after = machineSample();
  const seconds = (after.at - before.at) / 1000;
  const otherTicks = after.busy - before.busy - (after.own - before.own);
  return {
    loadAverageBefore: before.loadAverage,
    loadAverageAfter: after.loadAverage,
    otherCpuCores: round(Math.max(0, otherTicks) / CLOCK_TICKS_PER_SECOND / seconds),
  };
}

/** The machine now, for `machineBetween` later. */
export const machineNow = machineSample;

/** A process's resident memory (VmRSS) and its peak (VmHWM), in MB, as the kernel counts them. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field) => round(Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024);
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') };
}

/** Each figure of `figures` divided by the same figure of `base`. */
export const ratioOf = (figures, base) => ({
  requestsPerSecond: round(figures.requestsPerSecond / base.requestsPerSecond),
  latencyP50Ms: round(figures.latencyP50Ms / base.latencyP50Ms),
  latencyP99Ms: round(figures.latencyP99Ms / base.latencyP99Ms),
});

/** Prints `caption`, then `rows` (label, then numbers) under `header`, in aligned columns. */
export function printTable(caption, header, rows) {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = cells[0].map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  console.log(`\n${caption}\n`);
  for (const row of cells) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column])))
        .join('   '),
    );
  }
}

/**
 * Writes `bench/results/<benchmark>-<date>.json` and `<benchmark>.latest.json`: the figures, with
 * when, on which commit and machine, and under which load (`loadDetails` added to it) they were
 * measured.
 */
export function writeResults(benchmark, loadDetails, figures) {
  const date = new Date().toISOString();
  const results = {
    benchmark,
    date,
    commit: gitCommit(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model.trim()}`,
    load: { ...load, ...loadDetails },
    ...figures,
  };
  const directory = join(workspaceRoot, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = join(directory, `${benchmark}-${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, json);
  writeFileSync(join(directory, `${benchmark}.latest.json`), json);
  console.log(`\nwritten to ${file.slice(workspaceRoot.length)} and bench/results/${benchmark}.latest.json`);
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: workspaceRoot }).toString().trim();
  } catch {
    return undefined;
  }
}

export const round = (value) => Math.round(value * 100) / 100;
