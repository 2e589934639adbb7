import { DEMO_MIGRATIONS, migrateAndSeed } from '@libs/demo/data';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type DatabaseConnection } from '@libs/orchestrator/backends/database';

/**
 * Runs the demo schema's migrations on a connection of `database.yaml` and seeds it once
 * (`npm start` and the containers' seed step run this before the services start).
 */
export async function migrateAndSeedConnection(
  name: string,
  connection: DatabaseConnection,
  variable: (key: string) => string | undefined,
): Promise<{ customers: number }> {
  const dataSource = new DataSource({
    ...dataSourceOptions(name, connection, variable),
    migrations: DEMO_MIGRATIONS,
  });
  await dataSource.initialize();
  try {
    await migrateAndSeed(dataSource);
    const [{ count }] = (await dataSource.query('SELECT COUNT(*) AS count FROM customers')) as {
      count: unknown;
    }[];
    return { customers: Number(count) };
  } finally {
    await dataSource.destroy();
  }
}
