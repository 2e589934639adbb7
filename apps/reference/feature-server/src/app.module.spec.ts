import { commonEnvironment } from '@libs/core/config';
import { undocumentedVariables, startService, type RunningService } from '@libs/core/testing';
import { environment } from './environment';
import { DEMO_MIGRATIONS, migrateAndSeed } from '@libs/demo/data';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

describe('feature-server over HTTP', () => {
  const directory = mkdtempSync(join(tmpdir(), 'feature-server-'));
  const workingDirectory = process.cwd();
  let service: RunningService;

  beforeAll(async () => {
    mkdirSync(join(directory, 'data'));
    const seeding = await new DataSource({
      type: 'better-sqlite3',
      database: join(directory, 'data', 'main.sqlite'),
      migrations: DEMO_MIGRATIONS,
    }).initialize();
    await migrateAndSeed(seeding);
    await seeding.destroy();
    delete process.env['FEATURE_SERVER_DATABASE_URL'];
    // The default database, data/main.sqlite, is relative to the working directory.
    process.chdir(directory);
    service = await startService(async () => (await import('./app.module')).AppModule, {
      FEATURE_SERVER_AS_OF: '2024-08-01',
    });
  });
  afterAll(async () => {
    await service.app.close();
    process.chdir(workingDirectory);
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves a feature service from the database', async () => {
    const res = await fetch(`${service.url}/get-online-features`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feature_service: 'credit_features', entities: { customer_id: ['cus-1001'] } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      metadata: {
        feature_names: [
          'customer_id',
          'customer_lifetime_value',
          'purchase_frequency',
          'days_since_last_purchase',
          'total_balance',
        ],
      },
      results: [
        { values: ['cus-1001'], statuses: ['PRESENT'], event_timestamps: ['1970-01-01T00:00:00Z'] },
        ...[440.89, 13.13, 44, 23230.75].map((value) => ({
          values: [value],
          statuses: ['PRESENT'],
          event_timestamps: ['2024-06-17T12:00:00Z'],
        })),
      ],
    });
  });

  it('reports itself up and documents its routes', async () => {
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openApi.paths).sort()).toEqual(['/get-online-features', '/health']);
  });
});

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...environment })).toEqual([]);
  });
});
