import { WORKSPACE_ROOT } from '@libs/core/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunningApp, startApp, stopApps } from './support/apps';
import { eventually, startOrchestratorFor } from './support/engine';
import { getJson, postJson } from './support/http';
import { promtool, startPrometheus, type RunningPrometheus, type Sample } from './support/prometheus';

const METRICS_TOKEN = 'e2e-metrics-token';
const SCRAPE_HEADERS = { authorization: `Bearer ${METRICS_TOKEN}` };
const DASHBOARD = join(WORKSPACE_ROOT, 'deploy', 'grafana', 'dashboards', 'orchestrator.json');
/** The feature server's breaker opens after this many failures in a row (nothing listens there). */
const BREAKER_THRESHOLD = 2;

/** `samples` as `label=value …` → value, for assertions that read like the series. */
const byLabels = (samples: Sample[], ...labels: string[]) =>
  Object.fromEntries(
    samples.map(({ metric, value }) => [labels.map((label) => `${label}=${metric[label]}`).join(' '), value]),
  );

describe('metrics: the real Prometheus scrapes a running orchestrator', () => {
  let textService: RunningApp;
  let catalog: RunningApp;
  let orchestrator: RunningApp;
  let prometheus: RunningPrometheus;
  let configVersion: string;

  beforeAll(async () => {
    [textService, catalog] = await Promise.all([startApp('text-service'), startApp('catalog-api')]);
    orchestrator = await startOrchestratorFor(catalog, {
      TEXT_SERVICE_URL: textService.url,
      METRICS_TOKEN,
      FEATURE_SERVER_REQUIRED: 'false',
      FEATURE_SERVER_RETRIES: '0',
      FEATURE_SERVER_BREAKER_THRESHOLD: String(BREAKER_THRESHOLD),
    });
    // Traffic of every kind: a routed call, a refused body, YAML endpoints (a cache hit the second
    // time, a degraded optional source, a skipped one), a path no route takes, and a downstream
    // that is down until its breaker opens and rejects a call.
    for (const text of ['Good.', 'A fine day.', 'Terrible service.']) {
      expect((await postJson(`${orchestrator.url}/analyze-text`, { text })).status).toBe(200);
    }
    expect((await postJson(`${orchestrator.url}/analyze-text`, {})).status).toBe(400);
    const overview = await getJson(`${orchestrator.url}/catalog/get-product-overview/prd-1001?reviews=0`);
    expect(overview.status).toBe(200);
    configVersion = overview.headers.get('x-config-version') ?? '';
    expect((await getJson(`${orchestrator.url}/catalog/get-product-overview/prd-1001`)).status).toBe(200);
    expect((await getJson(`${orchestrator.url}/catalog/get-product-overview/prd-1006`)).status).toBe(200);
    expect((await getJson(`${orchestrator.url}/nowhere/prd-1001`)).status).toBe(404);
    for (let call = 0; call <= BREAKER_THRESHOLD; call++) {
      expect((await getJson(`${orchestrator.url}/customers/cus-1001/features`)).status).toBe(503);
    }
    prometheus = await startPrometheus(new URL(orchestrator.url).host, METRICS_TOKEN);
    // Every test reads what the first scrape (one a second) brought, after all that traffic.
    await scraped('up{job="orchestrator"} == 1');
  });
  afterAll(async () => {
    await prometheus?.stop();
    await stopApps(orchestrator, textService, catalog);
  });

  /** The query's samples once Prometheus has scraped something for it. */
  const scraped = (promql: string) =>
    eventually(`a sample of ${promql}`, async () => {
      const samples = await prometheus.query(promql);
      return samples.length > 0 ? samples : undefined;
    });

  it('scrapes the orchestrator with its token', async () => {
    const [up] = await prometheus.query('up{job="orchestrator"}');
    expect(up.value).toBe(1);
    expect(up.metric.instance).toBe(new URL(orchestrator.url).host);
    expect((await fetch(`${orchestrator.url}/metrics`)).status).toBe(401);
  });

  it('has the HTTP server requests by route template, method and status, never by raw path', async () => {
    const samples = await scraped('http_server_request_duration_seconds_count{job="orchestrator"}');
    expect(byLabels(samples, 'http_request_method', 'http_route', 'http_response_status_code')).toMatchObject(
      {
        'http_request_method=POST http_route=/analyze-text http_response_status_code=200': 3,
        'http_request_method=POST http_route=/analyze-text http_response_status_code=400': 1,
        'http_request_method=GET http_route=/catalog/get-product-overview/:product_id http_response_status_code=200': 3,
        'http_request_method=GET http_route=/customers/:customer_id/features http_response_status_code=503':
          BREAKER_THRESHOLD + 1,
        'http_request_method=GET http_route=unmatched http_response_status_code=404': 1,
      },
    );
    expect(samples.map(({ metric }) => metric.http_route).join(' ')).not.toMatch(/prd-|cus-/);
    expect(await scraped('http_server_active_requests{job="orchestrator"}')).not.toHaveLength(0);
  });

  it('has each source call by endpoint, source, type and outcome, and the retries', async () => {
    const samples = await prometheus.query(
      'orchestrator_source_call_duration_seconds_count{endpoint="catalog.get_product_overview"}',
    );
    expect(byLabels(samples, 'source', 'type', 'outcome')).toEqual({
      // prd-1001's product is cached (`cache: ttl: 30`) for its second overview.
      'source=product type=api outcome=ok': 2,
      'source=product type=api outcome=cache_hit': 1,
      'source=supplier type=api outcome=ok': 2,
      // prd-1006's supplier is not in the catalog: the optional source stands in with its default.
      'source=supplier type=api outcome=degraded': 1,
      'source=reviews type=api outcome=skipped': 1,
      'source=reviews type=api outcome=ok': 2,
      'source=stock type=api outcome=ok': 3,
    });
    const features = await prometheus.query(
      'orchestrator_source_call_duration_seconds_count{endpoint="customers.get_customer_features"}',
    );
    expect(byLabels(features, 'source', 'type', 'outcome')).toEqual({
      'source=features type=feast outcome=failed': BREAKER_THRESHOLD + 1,
    });
    // The series exists for every source that repeated a request; none did here.
    expect(await prometheus.query('sum(orchestrator_source_retries_total) > 0')).toEqual([]);
  });

  it('has the breaker of the feature server open, its transition and the call it rejected', async () => {
    const states = await prometheus.query('orchestrator_circuit_breaker_state{downstream="feature-server"}');
    expect(byLabels(states, 'state')).toEqual({
      'state=closed': 0,
      'state=open': 1,
      'state=half_open': 0,
      'state=isolated': 0,
    });
    expect(
      byLabels(
        await prometheus.query('orchestrator_circuit_breaker_state{state="closed"} == 1'),
        'downstream',
      ),
    ).toMatchObject({ 'downstream=text-service': 1, 'downstream=catalog': 1 });
    const [transitions] = await prometheus.query(
      'orchestrator_circuit_breaker_transitions_total{downstream="feature-server", state="open"}',
    );
    expect(transitions.value).toBe(1);
    const [rejected] = await prometheus.query(
      'orchestrator_circuit_breaker_rejected_calls_total{downstream="feature-server"}',
    );
    expect(rejected.value).toBe(1);
  });

  it('has the configuration version serving, its load, and the execution store', async () => {
    expect(configVersion).not.toBe('');
    const [info] = await prometheus.query('orchestrator_config_info');
    expect(info).toMatchObject({ metric: { version: configVersion }, value: 1 });
    const reloads = await prometheus.query('orchestrator_config_reloads_total');
    expect(byLabels(reloads, 'result')).toEqual({ 'result=success': 1, 'result=failure': 0 });
    const [records] = await prometheus.query('orchestrator_execution_store_records');
    // One record per YAML execution: three overviews, and the feature calls.
    expect(records.value).toBe(3 + BREAKER_THRESHOLD + 1);
  });

  it('has the process and Node metrics: event-loop lag, heap, GC', async () => {
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
      'process_resident_memory_bytes',
    ]) {
      const [sample] = await prometheus.query(`${name}{job="orchestrator"}`);
      expect(sample.value).toBeGreaterThan(0);
    }
    expect(await prometheus.query('nodejs_gc_duration_seconds_count')).not.toHaveLength(0);
  });

  it('loads the alert rules, and the breaker alert fires for the feature server', async () => {
    const { groups } = await prometheus.api<{
      groups: { rules: { name: string; health: string; lastError?: string }[] }[];
    }>('/api/v1/rules');
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.map(({ name, health }) => `${name} ${health}`).sort()).toEqual([
      'OrchestratorCircuitBreakerOpen ok',
      'OrchestratorConfigReloadFailing ok',
      'OrchestratorHighErrorRate ok',
      'OrchestratorLatencyP99OverBudget ok',
    ]);
    // Pending for its `for:` minute, which this test does not wait out.
    const [alert] = await scraped('ALERTS{alertname="OrchestratorCircuitBreakerOpen"}');
    expect(alert.metric).toMatchObject({ downstream: 'feature-server', alertstate: 'pending' });
  });

  it('answers every query of the Grafana dashboard', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const queries = dashboard.panels.flatMap(({ title, targets = [] }) =>
      targets.map(({ expr }) => ({
        title,
        expr: expr.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*'),
      })),
    );
    expect(queries.length).toBeGreaterThan(15);
    const answered = await Promise.all(
      queries.map(async ({ title, expr }) => ({ title, samples: (await prometheus.query(expr)).length })),
    );
    const panelsWithData = new Set(answered.filter(({ samples }) => samples > 0).map(({ title }) => title));
    for (const title of [
      'Requests in flight',
      'Breaker state per downstream (worst replica)',
      'Configuration version serving',
      'Heap used',
    ]) {
      expect(panelsWithData).toContain(title);
    }
  });

  it('passes promtool check metrics on its exposition', async () => {
    const response = await fetch(`${orchestrator.url}/metrics`, { headers: SCRAPE_HEADERS });
    const exposition = await response.text();
    // Exit status 0: no error, and no lint problem either (3 would be lint problems only).
    expect(await promtool(['check', 'metrics'], exposition)).toEqual({ code: 0, output: '' });
  });

  it('passes promtool on the deployment files: the config, the rules and their unit tests', async () => {
    const config = await promtool(['check', 'config', '--syntax-only', 'prometheus.yml']);
    expect(config).toMatchObject({ code: 0, output: expect.stringContaining('SUCCESS') });
    const rules = await promtool(['check', 'rules', 'alerts.yml']);
    expect(rules).toMatchObject({ code: 0, output: expect.stringContaining('SUCCESS: 4 rules found') });
    const tests = await promtool(['test', 'rules', 'alerts.test.yml']);
    expect(tests).toMatchObject({ code: 0, output: expect.stringContaining('SUCCESS') });
  });
});
