import { Module } from '@nestjs/common';
import { configurationModule } from '@orchestrator/config';
import { loggingModule } from '@orchestrator/http';
import { startService, type RunningService } from '@orchestrator/testing';

const DELAY_MS = 600;

describe('DemoCatalogModule with its own token and a delay', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService(
      async () => {
        const { DemoCatalogModule } = await import('./demo-catalog.module');
        const { catalogEnvironment } = await import('./catalog.config');
        @Module({
          imports: [
            configurationModule(catalogEnvironment),
            loggingModule('demo-catalog'),
            DemoCatalogModule,
          ],
        })
        class CatalogUnderTest {}
        return CatalogUnderTest;
      },
      { CATALOG_API_TOKEN: 'another-token', CATALOG_API_DELAY_MS: String(DELAY_MS) },
    );
  });
  afterAll(() => service.app.close());

  const timed = async (path: string, token?: string) => {
    const started = performance.now();
    const res = await fetch(`${service.url}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  it('holds every catalog answer, refusals included, for CATALOG_API_DELAY_MS', async () => {
    const answers = await Promise.all([
      timed('/stock/BRD-WAL-45', 'another-token'),
      timed('/stock/BRD-WAL-45', 'demo-catalog-token'),
      timed('/products/prd-0', 'another-token'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404]);
    for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
  });

  it('answers health at once', async () => {
    const health = await timed('/health');
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(DELAY_MS);
  });
});
