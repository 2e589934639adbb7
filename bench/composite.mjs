// `npm run bench:composite`: three independent catalog calls, each answered after
// CATALOG_API_DELAY_MS (BENCH_SOURCE_DELAY_MS, default 20 ms) by the demo catalog, measured three
// ways through the orchestrator:
//   - declared in YAML, running at once (catalog.product_snapshot in config/domains/catalog.yaml);
//   - written by hand, a NestJS service doing the same fan-out with forkJoin: the twin that only the
//     benchmark's orchestrator serves (bench/bench-orchestrator, the orchestrator plus its twins);
//   - declared in YAML, one after another, each call waiting for the previous one's result
//     (bench/config/domains/bench.yaml, laid over a copy of config/).
// The three answers are checked to be the same first. req/s, p50 and p99 of each, and their ratios
// to the YAML fan-out, are printed and written to bench/results/. The load is set as
// bench/harness.mjs says.
import { isDeepStrictEqual } from 'node:util';
import {
  benchConfiguration,
  catalogEnvironment,
  load,
  measure,
  printTable,
  ratioOf,
  runBenchmark,
  writeResults,
} from './harness.mjs';
import { appUrl } from '../tools/stack/services.mjs';

const sourceDelayMs = Number(process.env.BENCH_SOURCE_DELAY_MS ?? 20);
const query = 'prd-1001?supplier_id=sup-nordlys';

await runBenchmark('composite', ['bench-orchestrator', 'catalog-api'], async ({ workDir, start }) => {
  const configDir = benchConfiguration(workDir);

  const env = await catalogEnvironment({ configDir, catalogDelayMs: sourceDelayMs });
  await start('catalog-api', env);
  await start('bench-orchestrator', env, '/health/live', 'orchestrator');

  const orchestrator = appUrl('orchestrator', env);
  const targets = {
    yamlFanOut: {
      label: 'YAML, at once         GET /catalog/product-snapshot',
      url: `${orchestrator}/catalog/product-snapshot/${query}`,
    },
    codeFanOut: {
      label: 'code, at once         GET /composites/product-snapshot',
      url: `${orchestrator}/composites/product-snapshot/${query}`,
    },
    yamlSequential: {
      label: 'YAML, one by one      GET /bench/product-snapshot-one-after-another',
      url: `${orchestrator}/bench/product-snapshot-one-after-another/${query}`,
    },
  };
  const answers = [];
  for (const { url } of Object.values(targets)) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    answers.push(await response.json());
  }
  if (!answers.every((answer) => isDeepStrictEqual(answer, answers[0]))) {
    throw new Error(
      `the three targets answer differently:\n${answers.map((a) => JSON.stringify(a)).join('\n')}`,
    );
  }

  const figures = await measure(targets);
  const ratios = {
    codeFanOut: ratioOf(figures.codeFanOut, figures.yamlFanOut),
    yamlSequential: ratioOf(figures.yamlSequential, figures.yamlFanOut),
  };
  printTable(
    `${load.connections} connections, ${load.durationS} s per target, 3 catalog calls of ${sourceDelayMs} ms each; ratios to the YAML fan-out`,
    ['', 'req/s', 'p50 ms', 'p99 ms', 'req/s ×', 'p50 ×', 'p99 ×'],
    Object.entries(targets).map(([key, { label }]) => {
      const ratio = ratios[key] ?? ratioOf(figures[key], figures[key]);
      return [
        label,
        figures[key].requestsPerSecond,
        figures[key].latencyP50Ms,
        figures[key].latencyP99Ms,
        ratio.requestsPerSecond,
        ratio.latencyP50Ms,
        ratio.latencyP99Ms,
      ];
    }),
  );
  writeResults('composite', { sourceDelayMs, sources: 3 }, { ...figures, ratiosToYamlFanOut: ratios });
});
