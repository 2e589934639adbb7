import { DATABASE_SOURCE_TYPE, databaseSection } from '@libs/orchestrator/backends/database';
import { formatProblem, readSection } from '@libs/orchestrator/engine';
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
  const { compiled, problems } = await readSection(
    directory,
    DATABASE_SOURCE_TYPE,
    databaseSection,
    environment,
  );
  if (problems.length > 0) return { ok: false, line: problems.map(formatProblem).join('\n') };
  if (compiled === undefined) return { ok: false, line: `${directory} has no database.yaml` };
  const connection = compiled.connections[connectionName];
  if (!connection) {
    const names = Object.keys(compiled.connections).join(', ') || 'none';
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
