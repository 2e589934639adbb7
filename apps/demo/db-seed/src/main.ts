import { existsSync } from 'node:fs';
import { seedDemoDatabase } from './seed.command';

/**
 * `node dist/apps/db-seed/main.js [connection]` (default `main`): the demo schema's migrations
 * and seed on a connection of `$CONFIG_DIR/database.yaml`. Run by `npm start` and by the
 * containers' seed step before the services that read the database start.
 */
async function main(): Promise<void> {
  // The services read .env too; variables already set win, as there.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const [connectionName = 'main'] = process.argv.slice(2);
  const directory = process.env['CONFIG_DIR'] || 'config';
  try {
    const { ok, line } = await seedDemoDatabase(directory, connectionName, process.env);
    (ok ? console.log : console.error)(line);
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    console.error(`database ${connectionName} could not be migrated: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

void main();
