// `npm run bench:endurance`: whether the orchestrator's memory stays flat under sustained load.
// Three runs of BENCH_ENDURANCE_S (default 60) seconds at BENCH_ENDURANCE_CONNECTIONS (default 50)
// connections against a YAML endpoint with one api source (GET /products/prd-1001, the demo
// catalog answering at once), with the orchestrator's resident memory (VmRSS) read before the
// first run and after each; flat means the last run added no more than a few percent. Printed
// and written to bench/results/.
import autocannon from 'autocannon';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { catalogEnvironment, memoryOf, printTable, round, runBenchmark, writeResults } from './harness.mjs';
import { appUrl, workspaceRoot } from '../tools/stack/services.mjs';

const durationS = Number(process.env.BENCH_ENDURANCE_S ?? 60);
const connections = Number(process.env.BENCH_ENDURANCE_CONNECTIONS ?? 50);
const RUNS = 3;

/** A process's resident memory, in MB, as the kernel counts it. */
const rssMb = (pid) => memoryOf(pid).rssMb;

await runBenchmark('endurance', ['orchestrator', 'catalog-api'], async ({ start }) => {
  const env = await catalogEnvironment({ configDir: join(workspaceRoot, 'config'), catalogDelayMs: 0 });
  await start('catalog-api', env);
  const orchestrator = await start('orchestrator', env, '/health/live');
  const url = `${appUrl('orchestrator', env)}/products/prd-1001`;
  const probe = await fetch(url);
  if (!probe.ok) throw new Error(`${url} answered ${probe.status}: ${await probe.text()}`);

  const rss = [{ label: 'idle', rssMb: rssMb(orchestrator.pid) }];
  const runs = [];
  for (let run = 1; run <= RUNS; run++) {
    process.stdout.write(`run ${run} of ${RUNS}: ${durationS} s at ${connections} connections… `);
    const result = await autocannon({ url, connections, duration: durationS });
    const failed = result.non2xx + result.errors + result.timeouts;
    if (failed > 0)
      throw new Error(
        `run ${run}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
      );
    // A moment for what the run left in flight to be collected, as between two bursts of traffic.
    await sleep(2_000);
    rss.push({ label: `after run ${run}`, rssMb: rssMb(orchestrator.pid) });
    runs.push({ requestsPerSecond: round(result.requests.average), latencyP99Ms: result.latency.p99 });
    process.stdout.write('done\n');
  }
  const growthOfLastRun = round((rss[RUNS].rssMb - rss[RUNS - 1].rssMb) / rss[RUNS - 1].rssMb);
  printTable(
    `GET /products/prd-1001 (one api source), ${RUNS} runs of ${durationS} s at ${connections} connections`,
    ['', 'RSS MB', 'req/s', 'p99 ms'],
    rss.map(({ label, rssMb: mb }, index) => [
      label,
      mb,
      runs[index - 1]?.requestsPerSecond ?? '',
      runs[index - 1]?.latencyP99Ms ?? '',
    ]),
  );
  console.log(`\nthe last run grew RSS by ${round(growthOfLastRun * 100)} %`);
  writeResults('endurance', { durationS, connections, runs: RUNS }, { rss, runs, growthOfLastRun });
});
