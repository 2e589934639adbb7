// `npm run bench:pipeline`: what the orchestrator's request pipeline costs, against one stand-in
// downstream (bench/stand-in.mjs, answering at once), beside two floors serving the same routes:
//   - the raw floor (bench/floors/raw-floor.mjs): node:http and an undici Pool, JSON parsed and
//     serialised;
//   - the bare Nest floor (bench/nest-floor): NestFactory on Express, no logger, the same transport;
//   - the orchestrator with its defaults (the benchmark's build, bench/bench-orchestrator, with the
//     hand-written twins), at LOG_LEVEL=info (access log on), then again at LOG_LEVEL=warn.
// The routes: a passed-through POST /analyze-text (routed in code; in YAML, POST /bench/analyze-text),
// one api source (GET /products/:id; in code, /composites/product/:id) and three at once
// (GET /catalog/product-snapshot/:id; in code, /composites/product-snapshot/:id). Every server's
// answers are checked to be the same first. Then:
//   - each route × server: warm-up, then BENCH_PIPELINE_CONNECTIONS (default 50) connections for
//     BENCH_DURATION_S (default 8) s: req/s, p50, p99, the orchestrator's ratio to the bare Nest
//     app (target ≥ 0.6 at info, ≥ 0.75 at warn) and YAML's ratio to its twin in code (≥ 1);
//   - the stand-in answering after 20 ms (BENCH_SOURCE_DELAY_MS), three sources, 10 connections:
//     the orchestrator's p50 (target ≤ 21 ms);
//   - start to ready (spawn to the first 200 of /health/live), median of 3 starts (target ≤ 1 s);
//   - the orchestrator's RSS idle (≤ 120 MB) and after BENCH_RSS_S (default 60) s at 50
//     connections (≤ 200 MB);
//   - a CPU profile (node --cpu-prof) of the orchestrator under the one-source load, summarised:
//     the top frames by self time and the time by package; the raw profile is deleted with the
//     run's temp dir unless BENCH_CPU_PROFILE_OUT names a file to copy it to.
// Targets are reported, not asserted: the exit code is non-zero only when something failed to run
// or answered a non-2xx. Results, with how busy the machine was beside each figure, are written to
// bench/results/pipeline-<date>.json and pipeline.latest.json.
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { cpuProfileLines, summariseCpuProfile } from './cpu-profile.mjs';
import {
  SAMPLE_TEXT,
  benchConfiguration,
  drive,
  figuresOf,
  load,
  machineBetween,
  machineNow,
  measure,
  memoryOf,
  printTable,
  round,
  runBenchmark,
  writeResults,
} from './harness.mjs';
import { SHARED_SECRET_DEFAULTS, builtMain, freePort, workspaceRoot } from '../tools/stack/services.mjs';

const connections = Number(process.env.BENCH_PIPELINE_CONNECTIONS ?? 50);
const durationS = Number(process.env.BENCH_DURATION_S ?? 8);
const rssS = Number(process.env.BENCH_RSS_S ?? 60);
const sourceDelayMs = Number(process.env.BENCH_SOURCE_DELAY_MS ?? 20);
const SLOW_CONNECTIONS = 10;
const STARTS = 3;
const TARGETS = {
  toNestAtInfo: 0.6,
  toNestAtWarn: 0.75,
  yamlToCode: 1,
  slowP50Ms: 21,
  idleRssMb: 120,
  loadedRssMb: 200,
  readyMs: 1000,
};

const json = { 'content-type': 'application/json' };
const ROUTES = {
  passthrough: {
    label: 'POST /analyze-text, passed through',
    request: {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: SAMPLE_TEXT, language: 'en', analyses: ['sentiment', 'keywords'] }),
    },
    floor: '/analyze-text',
    // The orchestrator's routed POST /analyze-text is the hand-written form.
    code: '/analyze-text',
    yaml: '/bench/analyze-text',
  },
  oneSource: {
    label: 'GET one api source',
    floor: '/products/prd-1001',
    code: '/composites/product/prd-1001',
    yaml: '/products/prd-1001',
  },
  threeSources: {
    label: 'GET three api sources at once',
    floor: '/catalog/product-snapshot/prd-1001?supplier_id=sup-nordlys',
    code: '/composites/product-snapshot/prd-1001?supplier_id=sup-nordlys',
    yaml: '/catalog/product-snapshot/prd-1001?supplier_id=sup-nordlys',
  },
};
const FORMS = { yaml: 'YAML', code: 'in code' };
const SLOW_SERVERS = {
  raw: 'raw floor',
  nest: 'bare Nest',
  yaml: 'orchestrator info, YAML',
  code: 'orchestrator info, in code',
};

await runBenchmark(
  'pipeline',
  ['bench-orchestrator', 'bench-nest-floor'],
  async ({ workDir, launch, stop }) => {
    const machineAtStart = { loadAverage: round(loadavg()[0]), sample: machineNow() };
    const configDir = benchConfiguration(workDir);
    const host = '127.0.0.1';
    const base = { ...process.env, ...SHARED_SECRET_DEFAULTS, HOST: host };
    const standIn = `http://${host}:${await freePort()}`;
    const slowStandIn = `${standIn}/delay/${sourceDelayMs}`;
    await launch(
      join(workspaceRoot, 'bench', 'stand-in.mjs'),
      { ...base, STAND_IN_PORT: new URL(standIn).port, STAND_IN_TOKEN: base.CATALOG_API_TOKEN },
      `${standIn}/health`,
    );

    /** Starts a floor (`raw` or `nest`) in front of `downstream`; resolves with its URL. */
    const startFloor = async (floor, downstream) => {
      const port = await freePort();
      const script =
        floor === 'raw' ? join(workspaceRoot, 'bench', 'floors', 'raw-floor.mjs') : builtMain('nest-floor');
      await launch(
        script,
        { ...base, PORT: String(port), STAND_IN_URL: downstream },
        `http://${host}:${port}/health/live`,
      );
      return `http://${host}:${port}`;
    };
    /** Starts the orchestrator, its output in a log file; resolves with the child and its URL. */
    const startOrchestrator = async (name, { logLevel = 'info', catalog = standIn, nodeArgs } = {}) => {
      const port = await freePort();
      const logFile = join(workDir, `orchestrator-${name}.log`);
      const child = await launch(
        builtMain('bench-orchestrator'),
        {
          ...base,
          LOG_LEVEL: logLevel,
          ORCHESTRATOR_PORT: String(port),
          TEXT_SERVICE_URL: standIn,
          CATALOG_API_URL: catalog,
          // Not called by these routes.
          TRANSCRIPTION_SERVICE_URL: `http://${host}:${await freePort()}`,
          CONFIG_DIR: configDir,
          // Only how long a stop takes: readiness would answer 503 for 5 s before the listener closes.
          SHUTDOWN_DRAIN_MS: '0',
        },
        `http://${host}:${port}/health/live`,
        { logFile, nodeArgs, pollMs: 5 },
      );
      return { child, url: `http://${host}:${port}`, logFile };
    };

    const raw = await startFloor('raw', standIn);
    const nest = await startFloor('nest', standIn);
    const info = await startOrchestrator('info');
    await checkSameAnswers({ raw, nest, orchestrator: info.url });

    // Each route × server, at LOG_LEVEL=info.
    const atInfo = await measure(targetsOf({ raw, nest, info: info.url }), {}, { connections, durationS });
    const logged = logVolume(info.logFile);
    await stop(info.child);
    // The orchestrator again at LOG_LEVEL=warn; the floors log nothing either way.
    const warn = await startOrchestrator('warn', { logLevel: 'warn' });
    const atWarn = await measure(targetsOf({ warn: warn.url }), {}, { connections, durationS });
    await stop(warn.child);
    const figures = { ...atInfo, ...atWarn };

    // The stand-in answering after 20 ms: three sources, 10 connections.
    const slow = await startOrchestrator('slow', { catalog: slowStandIn });
    const slowFloors = {
      raw: await startFloor('raw', slowStandIn),
      nest: await startFloor('nest', slowStandIn),
    };
    const slowTargets = {};
    for (const [key, url, path] of [
      ['raw', slowFloors.raw, ROUTES.threeSources.floor],
      ['nest', slowFloors.nest, ROUTES.threeSources.floor],
      ['yaml', slow.url, ROUTES.threeSources.yaml],
      ['code', slow.url, ROUTES.threeSources.code],
    ]) {
      slowTargets[key] = { label: `${SLOW_SERVERS[key]}, ${sourceDelayMs} ms sources`, url: `${url}${path}` };
    }
    const slowFigures = await measure(slowTargets, {}, { connections: SLOW_CONNECTIONS, durationS });
    await stop(slow.child);

    // Start to ready, then memory: the last start is left running, idle, then loaded.
    const readyMs = [];
    let fresh;
    for (let start = 1; start <= STARTS; start++) {
      fresh = await startOrchestrator(`start-${start}`);
      readyMs.push(fresh.child.readyMs);
      if (start < STARTS) await stop(fresh.child);
    }
    await sleep(2_000);
    const idle = memoryOf(fresh.child.pid);
    process.stdout.write(`RSS: ${rssS} s at ${connections} connections on ${ROUTES.oneSource.yaml}… `);
    const rssMachine = machineNow();
    const rssRun = figuresOf(
      'RSS run',
      await drive(`${fresh.url}${ROUTES.oneSource.yaml}`, { connections }, rssS),
    );
    const loaded = memoryOf(fresh.child.pid);
    process.stdout.write('done\n');
    const memory = {
      idle,
      afterLoad: loaded,
      loadRun: { ...rssRun, durationS: rssS, connections, machine: machineBetween(rssMachine) },
    };
    await stop(fresh.child);

    const profile = await profileOneSource(startOrchestrator, stop, workDir);

    const machine = {
      loadAverageAtStart: machineAtStart.loadAverage,
      loadAverageAtEnd: round(loadavg()[0]),
      ...machineBetween(machineAtStart.sample),
    };
    const report = reportOf({ figures, slowFigures, readyMs, memory, profile, logged, machine });
    printReport(report, profile);
    writeResults(
      'pipeline',
      { connections, durationS, slowConnections: SLOW_CONNECTIONS, sourceDelayMs, rssS, starts: STARTS },
      report,
    );
  },
);

/** The measured targets of each route: the floors', and the orchestrator's in both forms. */
function targetsOf(servers) {
  const targets = {};
  for (const [route, spec] of Object.entries(ROUTES)) {
    const request = spec.request ?? {};
    for (const [server, url] of Object.entries(servers)) {
      if (server === 'raw' || server === 'nest') {
        targets[`${route}.${server}`] = {
          label: `${spec.label}: ${server === 'raw' ? 'raw floor' : 'bare Nest'}`,
          url: `${url}${spec.floor}`,
          request,
        };
        continue;
      }
      for (const form of ['yaml', 'code']) {
        targets[`${route}.${server}.${form}`] = {
          label: `${spec.label}: orchestrator ${server}, ${FORMS[form]}`,
          url: `${url}${spec[form]}`,
          request,
        };
      }
    }
  }
  return targets;
}

/** Every server answers every route with a 2xx and the same JSON, the orchestrator in both forms. */
async function checkSameAnswers({ raw, nest, orchestrator }) {
  for (const spec of Object.values(ROUTES)) {
    const urls = [
      `${raw}${spec.floor}`,
      `${nest}${spec.floor}`,
      `${orchestrator}${spec.yaml}`,
      `${orchestrator}${spec.code}`,
    ];
    const answers = [];
    for (const url of urls) {
      const response = await fetch(url, spec.request);
      const text = await response.text();
      if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
      answers.push(JSON.parse(text));
    }
    if (!answers.every((answer) => isDeepStrictEqual(answer, answers[0]))) {
      throw new Error(
        `${spec.label}: the servers answer differently:\n${urls.map((url, i) => `${url} ${JSON.stringify(answers[i])}`).join('\n')}`,
      );
    }
  }
  console.log('every server answers every route the same');
}

/**
 * The orchestrator under --cpu-prof: warmed up, then BENCH_DURATION_S s of the one-source load,
 * stopped with SIGINT so that Node writes the profile; only the samples of the measured load count.
 */
async function profileOneSource(startOrchestrator, stop, workDir) {
  const profileDir = join(workDir, 'cpu-profile');
  const profiled = await startOrchestrator('profiled', {
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const url = `${profiled.url}${ROUTES.oneSource.yaml}`;
  process.stdout.write(
    `CPU profile: warming up for ${load.warmupS} s, then ${durationS} s at ${connections} connections on ${ROUTES.oneSource.yaml}… `,
  );
  await drive(url, { connections }, load.warmupS);
  const before = machineNow();
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const run = figuresOf('profiled run', await drive(url, { connections }, durationS));
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const machine = machineBetween(before);
  await stop(profiled.child, 'SIGINT');
  const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the profiled orchestrator wrote no .cpuprofile in ${profileDir}`);
  process.stdout.write('done\n');
  // The raw profile (for Chrome DevTools) is removed with the work directory unless kept.
  if (process.env.BENCH_CPU_PROFILE_OUT) {
    copyFileSync(join(profileDir, file), process.env.BENCH_CPU_PROFILE_OUT);
    console.log(`the raw profile is in ${process.env.BENCH_CPU_PROFILE_OUT}`);
  }
  const summary = summariseCpuProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')), {
    appRoot: 'bench/bench-orchestrator',
    window: { fromUs, toUs },
  });
  return { route: ROUTES.oneSource.yaml, logLevel: 'info', run: { ...run, machine }, ...summary };
}

/** Lines and bytes the orchestrator wrote to stdout: the access log is on when they are many. */
function logVolume(file) {
  const text = readFileSync(file, 'utf8');
  return { lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text) };
}

function verdict(pass) {
  return pass ? 'PASS' : 'FAIL';
}

/** The figures, ratios and target verdicts, as the results file holds them. */
function reportOf({ figures, slowFigures, readyMs, memory, profile, logged, machine }) {
  const targets = [];
  const target = (name, measured, limit, pass) => {
    targets.push({ target: name, measured, limit, pass });
    return { measured, limit, pass };
  };
  const routes = {};
  for (const [route, spec] of Object.entries(ROUTES)) {
    const nest = figures[`${route}.nest`];
    const entry = { label: spec.label, raw: figures[`${route}.raw`], nest, orchestrator: {} };
    for (const [level, limit] of [
      ['info', TARGETS.toNestAtInfo],
      ['warn', TARGETS.toNestAtWarn],
    ]) {
      const yaml = figures[`${route}.${level}.yaml`];
      const code = figures[`${route}.${level}.code`];
      const toNest = (form) =>
        round(figures[`${route}.${level}.${form}`].requestsPerSecond / nest.requestsPerSecond);
      entry.orchestrator[level] = {
        yaml: { ...yaml, toNest: toNest('yaml') },
        code: { ...code, toNest: toNest('code') },
      };
      for (const form of ['yaml', 'code']) {
        target(
          `${route} ${FORMS[form]} at ${level}: req/s ÷ bare Nest`,
          toNest(form),
          `≥ ${limit}`,
          toNest(form) >= limit,
        );
      }
      const yamlToCode = round(yaml.requestsPerSecond / code.requestsPerSecond);
      entry.orchestrator[level].yamlToCode = target(
        `${route} at ${level}: YAML req/s ÷ in code`,
        yamlToCode,
        `≥ ${TARGETS.yamlToCode}`,
        yamlToCode >= TARGETS.yamlToCode,
      );
    }
    routes[route] = entry;
  }
  const slowP50 = slowFigures.yaml.latencyP50Ms;
  target(
    `three ${sourceDelayMs} ms sources, ${SLOW_CONNECTIONS} connections: YAML p50 ms`,
    slowP50,
    `≤ ${TARGETS.slowP50Ms}`,
    slowP50 <= TARGETS.slowP50Ms,
  );
  target(
    `three ${sourceDelayMs} ms sources, ${SLOW_CONNECTIONS} connections: in code p50 ms`,
    slowFigures.code.latencyP50Ms,
    `≤ ${TARGETS.slowP50Ms}`,
    slowFigures.code.latencyP50Ms <= TARGETS.slowP50Ms,
  );
  target('RSS idle, MB', memory.idle.rssMb, `≤ ${TARGETS.idleRssMb}`, memory.idle.rssMb <= TARGETS.idleRssMb);
  target(
    `RSS after ${rssS} s at ${connections} connections, MB`,
    memory.afterLoad.rssMb,
    `≤ ${TARGETS.loadedRssMb}`,
    memory.afterLoad.rssMb <= TARGETS.loadedRssMb,
  );
  const readyMedianMs = [...readyMs].sort((a, b) => a - b)[Math.floor(readyMs.length / 2)];
  target(
    `start to ready, ms (median of ${STARTS})`,
    readyMedianMs,
    `≤ ${TARGETS.readyMs}`,
    readyMedianMs <= TARGETS.readyMs,
  );
  return {
    machine,
    routes,
    slowSources: { sourceDelayMs, connections: SLOW_CONNECTIONS, ...slowFigures },
    startToReady: { medianMs: readyMedianMs, startsMs: readyMs },
    memory,
    orchestratorLogAtInfo: logged,
    targets,
    cpuProfile: profile,
  };
}

function printReport(report, profile) {
  const row = (label, f, toNest = '', limit = '', pass) => [
    label,
    f.requestsPerSecond,
    f.latencyP50Ms,
    f.latencyP99Ms,
    toNest,
    limit,
    pass === undefined ? '' : verdict(pass),
    f.machine?.otherCpuCores ?? '',
  ];
  const rows = [];
  for (const route of Object.values(report.routes)) {
    rows.push([route.label, '', '', '', '', '', '', '']);
    rows.push(row('  raw floor', route.raw), row('  bare Nest', route.nest));
    for (const [level, limit] of [
      ['info', TARGETS.toNestAtInfo],
      ['warn', TARGETS.toNestAtWarn],
    ]) {
      for (const form of ['yaml', 'code']) {
        const f = route.orchestrator[level][form];
        rows.push(
          row(`  orchestrator ${level}, ${FORMS[form]}`, f, f.toNest, `≥ ${limit}`, f.toNest >= limit),
        );
      }
      const { measured, limit: yamlLimit, pass } = route.orchestrator[level].yamlToCode;
      rows.push([`  ${level}: YAML ÷ in code (req/s)`, '', '', '', measured, yamlLimit, verdict(pass), '']);
    }
  }
  printTable(
    `${connections} connections, ${durationS} s per target, the stand-in answering at once; ` +
      "× Nest: req/s ÷ the bare Nest app's; other CPU: cores busy with other work than the benchmark's meanwhile",
    ['', 'req/s', 'p50 ms', 'p99 ms', '× Nest', 'target', '', 'other CPU'],
    rows,
  );
  const slow = report.slowSources;
  printTable(
    `three sources answering after ${sourceDelayMs} ms, ${SLOW_CONNECTIONS} connections`,
    ['', 'req/s', 'p50 ms', 'p99 ms', 'other CPU'],
    Object.entries(SLOW_SERVERS).map(([key, server]) => [
      server,
      slow[key].requestsPerSecond,
      slow[key].latencyP50Ms,
      slow[key].latencyP99Ms,
      slow[key].machine.otherCpuCores,
    ]),
  );
  printTable(
    'targets',
    ['', 'measured', 'target', ''],
    report.targets.map(({ target, measured, limit, pass }) => [target, measured, limit, verdict(pass)]),
  );
  const { idle, afterLoad, loadRun } = report.memory;
  console.log(
    `\nRSS: ${idle.rssMb} MB idle; ${afterLoad.rssMb} MB (peak ${afterLoad.peakRssMb} MB) after ${rssS} s at ` +
      `${connections} connections (${loadRun.requestsPerSecond} req/s)`,
  );
  console.log(
    `start to ready: ${report.startToReady.startsMs.join(', ')} ms (median ${report.startToReady.medianMs} ms)`,
  );
  console.log(`the orchestrator wrote ${report.orchestratorLogAtInfo.lines} log lines at info`);
  console.log(
    `\nCPU profile of the orchestrator (info) under ${connections} connections on ${profile.route} ` +
      `(${profile.run.requestsPerSecond} req/s while profiled):\n`,
  );
  console.log(cpuProfileLines(profile).join('\n'));
  const { machine } = report;
  console.log(
    `\nload average (1 min): ${machine.loadAverageAtStart} at the start, ${machine.loadAverageAtEnd} at the end; ` +
      `other work used ${machine.otherCpuCores} of the cores on average meanwhile`,
  );
}
