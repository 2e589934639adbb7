// Support for this library's specs: demo databases on SQLite and PostgreSQL, and the feature
// server started over real HTTP on one of them.
import { DEMO_MIGRATIONS, insertRows, migrateAndSeed } from '@libs/demo/data';
import {
  LOCAL_POSTGRES,
  scratchPostgresDatabase,
  startFeatureModule,
  type RunningService,
} from '@libs/core/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { featureServerEnvironment } from './feature-server.config';
import { FeatureServingModule } from './feature-serving.module';

/** A customer of the demo shop's table with no account and no purchase, which the seed lacks. */
export const QUIET_CUSTOMER = {
  id: 'cus-quiet',
  name: 'Quiet Customer',
  email: 'quiet@example.com',
  segment: 'new',
  country: 'FR',
  created_at: '2024-06-20T10:00:00.000Z',
};

/** A database of the run's own, seeded with the demo data and the quiet customer, then dropped. */
export interface DemoDatabase {
  /** `FEATURE_SERVER_DATABASE_URL` for it. */
  url: string;
  create(): Promise<void>;
  drop(): Promise<void>;
}

export function sqliteDemoDatabase(): DemoDatabase {
  const directory = mkdtempSync(join(tmpdir(), 'feature-serving-'));
  const path = join(directory, 'main.sqlite');
  return {
    url: `sqlite:${path}`,
    create: () => seed({ type: 'better-sqlite3', database: path }),
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}

export function postgresDemoDatabase(): DemoDatabase {
  const database = scratchPostgresDatabase('feature_serving_test');
  return {
    url: database.url,
    create: async () => {
      await database.create();
      await seed({
        type: 'postgres',
        ...LOCAL_POSTGRES,
        username: LOCAL_POSTGRES.user,
        database: database.name,
      });
    },
    drop: database.drop,
  };
}

async function seed(options: DataSourceOptions): Promise<void> {
  const dataSource = await new DataSource({ ...options, migrations: DEMO_MIGRATIONS }).initialize();
  try {
    await migrateAndSeed(dataSource);
    await insertRows(dataSource.manager, 'customers', [QUIET_CUSTOMER]);
  } finally {
    await dataSource.destroy();
  }
}

/** The feature serving module served over HTTP with the given `FEATURE_SERVER_*` variables. */
export function startFeatureServer(environment: Record<string, string>): Promise<RunningService> {
  return startFeatureModule(
    'feature-server',
    async () => ({ module: FeatureServingModule, environment: featureServerEnvironment }),
    environment,
  );
}
