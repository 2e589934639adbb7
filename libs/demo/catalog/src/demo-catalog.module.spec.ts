import { startFeatureModule, timedFetch, type RunningService } from '@libs/core/testing';

const DELAY_MS = 600;

describe('DemoCatalogModule with its own token and a delay', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startFeatureModule(
      'catalog-api',
      async () => ({
        module: (await import('./demo-catalog.module')).DemoCatalogModule,
        environment: (await import('./catalog.config')).catalogEnvironment,
      }),
      { CATALOG_API_TOKEN: 'another-token', CATALOG_API_DELAY_MS: String(DELAY_MS) },
    );
  });
  afterAll(() => service.app.close());

  const timed = (path: string, token?: string) =>
    timedFetch(`${service.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

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
