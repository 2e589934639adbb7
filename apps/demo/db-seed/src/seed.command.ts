import { parseDatabaseConfiguration } from '@libs/orchestrator/backends/database';
import { formatProblem, readDatabaseFile } from '@libs/orchestrator/engine';
import { migrateAndSeedConnection } from './connection.seed';

export interface SeedOutcome {
  ok: boolean;
  line: string;
}

/**
 * Migrates and seeds the demo schema on connection `connectionName` of `<directory>/database.yaml`,
 * the file read as the orchestrator reads it (`${VAR:-default}` from `environment`).
 */
export async function seedDemoDatabase(
  directory: string,
  connectionName: string,
  environment: NodeJS.ProcessEnv,
): Promise<SeedOutcome> {
  const file = await readDatabaseFile(directory, environment);
  if (file.problems.length > 0) return { ok: false, line: file.problems.map(formatProblem).join('\n') };
  if (file.value === undefined) return { ok: false, line: `${directory} has no database.yaml` };
  const parsed = parseDatabaseConfiguration(file.value);
  if ('problems' in parsed) return { ok: false, line: `database.yaml: ${parsed.problems.join('; ')}` };
  const connection = parsed.configuration.connections[connectionName];
  if (!connection) {
    const names = Object.keys(parsed.configuration.connections).join(', ') || 'none';
    return {
      ok: false,
      line: `database.yaml declares no connection ${connectionName} (it declares ${names})`,
    };
  }
  const { customers } = await migrateAndSeedConnection(connectionName, connection, (key) => environment[key]);
  return {
    ok: true,
    line: `database ${connectionName} (${connection.type}) is migrated: ${customers} customers`,
  };
}
