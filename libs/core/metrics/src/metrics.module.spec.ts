import { Controller, Get, Module, Param } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { startService, type RunningService } from '@libs/core/testing';
import { MetricsModule } from './metrics.module';
import { MetricsRegistry } from './metrics.registry';
import { metricsEnvironment } from './metrics.config';
import {
  breakerRejections,
  breakerTransitions,
  configurationReloads,
  executionStore,
  registerBreaker,
  sourceCalls,
} from './observations';
import { requestMetrics } from './request-metrics';

@Controller('items')
class ItemsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

/** A service with metrics and one route, its environment read when it is loaded. */
function startMeasuredService(env: Record<string, string> = {}): Promise<RunningService> {
  return startService(
    async () => {
      @Module({
        imports: [configurationModule(metricsEnvironment), loggingModule('metrics-spec'), MetricsModule],
        controllers: [ItemsController],
      })
      class MeasuredModule {}
      return MeasuredModule;
    },
    { METRICS_TOKEN: '', ...env },
    { observeRequests: (app) => requestMetrics(app.get(MetricsRegistry)) },
  );
}

/** The samples of `name` in an exposition, each as its labels and value. */
function samples(exposition: string, name: string): { labels: Record<string, string>; value: number }[] {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const [, labelText = '', value] = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line) ?? [];
      const labels = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, text]) => [key, text]),
      );
      return { labels, value: Number(value) };
    });
}

const valueOf = (exposition: string, name: string, labels: Record<string, string> = {}) =>
  samples(exposition, name).find((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;

describe('the metrics module', () => {
  describe('without METRICS_TOKEN', () => {
    let service: RunningService;
    beforeAll(async () => (service = await startMeasuredService()));
    afterAll(() => service.app.close());

    const scrape = async () => {
      const response = await fetch(`${service.url}/metrics`);
      expect(response.status).toBe(200);
      // Prometheus' text format, version 0.0.4 (Express writes the parameters in its own order).
      expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*\bversion=0\.0\.4\b/);
      return response.text();
    };

    it('times requests by route template, method and status, never by raw path', async () => {
      await fetch(`${service.url}/items/1`);
      await fetch(`${service.url}/items/2`);
      await fetch(`${service.url}/nowhere/3`);
      await fetch(`${service.url}/items/4`, { method: 'PROPFIND' });

      const exposition = await scrape();
      const count = 'http_server_request_duration_seconds_count';
      expect(
        valueOf(exposition, count, {
          http_request_method: 'GET',
          http_route: '/items/:id',
          http_response_status_code: '200',
        }),
      ).toBe(2);
      expect(
        valueOf(exposition, count, {
          http_request_method: 'GET',
          http_route: 'unmatched',
          http_response_status_code: '404',
        }),
      ).toBe(1);
      // Each request is in flight while it is measured; the scrape itself is in flight now.
      expect(valueOf(exposition, 'http_server_active_requests', { http_request_method: 'GET' })).toBe(1);
      // A method OpenTelemetry does not name is _OTHER, so that clients cannot add series.
      expect(valueOf(exposition, count, { http_request_method: '_OTHER', http_route: 'unmatched' })).toBe(1);
      expect(exposition).not.toMatch(/\/items\/1|\/nowhere|PROPFIND/);
    });

    it('has the process and Node metrics', async () => {
      const exposition = await scrape();
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect(valueOf(exposition, name)).toEqual(expect.any(Number));
      }
      expect(exposition).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    });

    it('turns what the code observes into series', async () => {
      sourceCalls.publish({
        endpoint: 'catalog.get_product',
        source: 'product',
        type: 'api',
        outcome: 'ok',
        durationSeconds: 0.02,
        retries: 2,
      });
      sourceCalls.publish({
        endpoint: 'catalog.get_product',
        source: 'product',
        type: 'api',
        outcome: 'cache_hit',
        durationSeconds: 0,
        retries: 0,
      });
      registerBreaker('spec-downstream', () => 'open');
      breakerTransitions.publish({ downstream: 'spec-downstream', state: 'open' });
      breakerRejections.publish({ downstream: 'spec-downstream' });
      configurationReloads.publish({ applied: true, version: 'v1' });
      configurationReloads.publish({ applied: true, version: 'v2' });
      configurationReloads.publish({ applied: false, version: 'v2' });
      executionStore.publish({ kind: 'size', records: 7 });
      executionStore.publish({ kind: 'error', operation: 'read' });

      const exposition = await scrape();
      const source = { endpoint: 'catalog.get_product', source: 'product', type: 'api' };
      expect(
        valueOf(exposition, 'orchestrator_source_call_duration_seconds_count', { ...source, outcome: 'ok' }),
      ).toBe(1);
      expect(
        valueOf(exposition, 'orchestrator_source_call_duration_seconds_bucket', {
          ...source,
          outcome: 'ok',
          le: '0.025',
        }),
      ).toBe(1);
      expect(
        valueOf(exposition, 'orchestrator_source_call_duration_seconds_count', {
          ...source,
          outcome: 'cache_hit',
        }),
      ).toBe(1);
      expect(valueOf(exposition, 'orchestrator_source_retries_total', source)).toBe(2);
      const breaker = { downstream: 'spec-downstream' };
      expect(valueOf(exposition, 'orchestrator_circuit_breaker_state', { ...breaker, state: 'open' })).toBe(
        1,
      );
      expect(valueOf(exposition, 'orchestrator_circuit_breaker_state', { ...breaker, state: 'closed' })).toBe(
        0,
      );
      expect(
        valueOf(exposition, 'orchestrator_circuit_breaker_transitions_total', { ...breaker, state: 'open' }),
      ).toBe(1);
      expect(valueOf(exposition, 'orchestrator_circuit_breaker_rejected_calls_total', breaker)).toBe(1);
      expect(valueOf(exposition, 'orchestrator_config_reloads_total', { result: 'success' })).toBe(2);
      expect(valueOf(exposition, 'orchestrator_config_reloads_total', { result: 'failure' })).toBe(1);
      expect(valueOf(exposition, 'orchestrator_config_last_reload_successful')).toBe(0);
      // One version at a time: the one serving, kept when a reload is refused.
      expect(samples(exposition, 'orchestrator_config_info')).toEqual([
        { labels: { version: 'v2' }, value: 1 },
      ]);
      expect(valueOf(exposition, 'orchestrator_execution_store_records')).toBe(7);
      expect(valueOf(exposition, 'orchestrator_execution_store_errors_total', { operation: 'read' })).toBe(1);
      expect(valueOf(exposition, 'orchestrator_execution_store_errors_total', { operation: 'save' })).toBe(0);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let service: RunningService;
    beforeAll(async () => (service = await startMeasuredService({ METRICS_TOKEN: 'spec-metrics-token' })));
    afterAll(() => service.app.close());

    it('answers 401 in the error envelope without the token, or with another', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const response = await fetch(`${service.url}/metrics`, { headers });
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({
          statusCode: 401,
          message: expect.stringContaining('METRICS_TOKEN'),
        });
      }
    });

    it('answers the exposition with it', async () => {
      const response = await fetch(`${service.url}/metrics`, {
        headers: { authorization: 'Bearer spec-metrics-token' },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE http_server_request_duration_seconds histogram');
    });
  });
});
