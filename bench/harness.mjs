// What the benchmarks of bench/ share: the load of each run, building and starting the apps they
// measure (through tools/stack/services.mjs), driving each target with autocannon, the table they
// print and the results they write to bench/results/.
//
// BENCH_DURATION_S (default 10) and BENCH_CONNECTIONS (default 10) set the load of each run,
// BENCH_WARMUP_S (default 3) the warm-up of each target, every one before the first is measured.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appUrl,
  killOnExit,
  startApp,
  stopAll,
  waitHealthy,
  workspaceRoot,
} from '../tools/stack/services.mjs';

export const load = {
  durationS: Number(process.env.BENCH_DURATION_S ?? 10),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  warmupS: Number(process.env.BENCH_WARMUP_S ?? 3),
};

/**
 * Runs one benchmark and exits: builds `projects`, then calls `main` with a work directory and
 * `start(app, env, healthPath, servesAs)`, which starts a built app there and resolves once it
 * answers 200 at `healthPath`. The apps run in that empty directory, so that a developer's .env does not
 * change the figures; they are stopped however the benchmark ends (Ctrl-C included).
 */
export async function runBenchmark(name, projects, main) {
  const children = [];
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

  // `servesAs`: the app whose address it takes (the benchmark's orchestrator serves at the orchestrator's).
  const start = async (app, env, healthPath = '/health', servesAs = app) => {
    const child = startApp(app, env, workDir);
    children.push(child);
    // Their logs go to stderr: a pipe nobody reads would fill up and stall them.
    child.stdout.pipe(process.stderr);
    child.stderr.pipe(process.stderr);
    await waitHealthy(`${appUrl(servesAs, env)}${healthPath}`, child);
    return child;
  };

  let exitCode = 0;
  try {
    execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...projects], {
      cwd: workspaceRoot,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    await main({ workDir, start });
  } catch (error) {
    console.error(`\n${name} bench failed: ${error.message}`);
    exitCode = 1;
  } finally {
    await cleanUp(15_000);
  }
  process.exit(exitCode);
}

/**
 * Drives each target in turn with the same load (`request`: autocannon's method, headers and
 * body); any answer but a 2xx fails the run. Every target is warmed up before the first is
 * measured: they share code and downstream services, which the first one would warm up alone.
 * Returns the figures by target key.
 */
export async function measure(targets, request = {}) {
  for (const { label, url } of Object.values(targets)) {
    process.stdout.write(`warming up ${label} for ${load.warmupS} s\n`);
    await drive(url, request, load.warmupS);
  }
  const figures = {};
  for (const [key, { label, url }] of Object.entries(targets)) {
    process.stdout.write(`measuring ${label} for ${load.durationS} s… `);
    const result = await drive(url, request, load.durationS);
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
  return figures;
}

const drive = (url, request, seconds) =>
  autocannon({ url, ...request, connections: load.connections, duration: seconds });

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
