import { Client, type ClientConfig, type Connection, type Submittable } from 'pg';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The part of better-sqlite3 used here (the package ships no types). */
interface SqliteDatabase {
  prepare(sql: string): { reader: boolean; columns(): { name: string }[] };
  close(): void;
}
type SqliteOpen = new (
  file: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => SqliteDatabase;

const openSqlite = createRequire(__filename)('better-sqlite3') as SqliteOpen;

/**
 * The columns an SQLite statement answers: SQLite compiles it without running it. The file is
 * opened read-only and must exist, so that describing never creates or changes a database.
 */
export async function sqliteColumns(file: string, sql: string): Promise<string[]> {
  // What SQLite itself answers for a file it cannot open (better-sqlite3 throws a bare TypeError
  // when even the directory is missing).
  if (!existsSync(file))
    throw Object.assign(new Error(`no database file at ${file}`), { code: 'SQLITE_CANTOPEN' });
  const database = new openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    const statement = database.prepare(sql);
    return statement.reader ? statement.columns().map(({ name }) => name) : [];
  } finally {
    database.close();
  }
}

/**
 * The columns a PostgreSQL statement answers: the server parses and describes it (the extended
 * protocol's Parse, Describe, Sync) without running it. A statement that answers no rows (an
 * INSERT without RETURNING) has none.
 */
export async function postgresColumns(
  config: ClientConfig,
  sql: string,
  signal: AbortSignal,
): Promise<string[]> {
  const client = new Client(config);
  // A client that is not connected yet has no socket for an error to arrive on but this handler.
  client.on('error', () => undefined);
  const end = () => void client.end().catch(() => undefined);
  signal.addEventListener('abort', end, { once: true });
  try {
    await client.connect();
    return await new Promise<string[]>((resolve, reject) =>
      client.query(new StatementDescription(sql, resolve, reject)),
    );
  } finally {
    signal.removeEventListener('abort', end);
    end();
  }
}

/**
 * A statement described, not run, as pg's client submits it: pg hands the server's answers to
 * the active query's handlers, a RowDescription before ReadyForQuery (or NoData, then none).
 */
class StatementDescription implements Submittable {
  private columns: string[] = [];

  constructor(
    private readonly text: string,
    private readonly resolve: (columns: string[]) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: Connection): void {
    connection.parse({ name: '', text: this.text, types: [] }, true);
    connection.describe({ type: 'S', name: '' }, true);
    connection.sync();
  }

  handleRowDescription({ fields }: { fields: { name: string }[] }): void {
    this.columns = fields.map(({ name }) => name);
  }

  handleError(error: Error): void {
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.resolve(this.columns);
  }

  // pg calls these on the active query; a statement only described never gets them.
  handleDataRow(): void {
    // no rows: nothing runs
  }
  handleCommandComplete(): void {
    // nothing ran to complete
  }
  handleEmptyQuery(): void {
    // an empty statement has no columns, as none were described
  }
  handlePortalSuspended(): void {
    // no portal is bound
  }
}
