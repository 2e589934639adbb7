import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { types as pgTypes } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { postgresColumns, sqliteColumns } from './database.columns';
import type { DatabaseConnection } from './database-configuration.schema';
import { exactNumber } from './database.rows';

/** PostgreSQL type ids whose text the pool parses differently from pg's defaults. */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;

const CONNECT_TIMEOUT_MS = 5_000;

interface CachedDataSource {
  /** Of the definition the DataSource was made for: a reload that changes it gets a new one. */
  definitionHash: string;
  ready: Promise<DataSource>;
}

/**
 * One TypeORM DataSource per connection of `database.yaml`, created on first use and kept
 * while its definition stays the same; all are closed on shutdown.
 */
@Injectable()
export class DatabaseConnections implements OnApplicationShutdown {
  private readonly dataSources = new Map<string, CachedDataSource>();
  private active: Readonly<Record<string, DatabaseConnection>> = {};

  constructor(private readonly config: ConfigService) {}

  /** The connections of the configuration serving now, which the health check probes. */
  get declared(): Readonly<Record<string, DatabaseConnection>> {
    return this.active;
  }

  /**
   * Follows the configuration serving now: a connection it no longer declares is closed (those
   * whose definition changed are replaced on their next use).
   */
  declare(connections: Readonly<Record<string, DatabaseConnection>>): void {
    this.active = connections;
    for (const [name, cached] of this.dataSources) {
      if (Object.hasOwn(connections, name)) continue;
      this.dataSources.delete(name);
      void this.close(cached);
    }
  }

  /** The initialised DataSource of a connection; a failed start is forgotten, so that the next call tries again. */
  dataSourceFor(name: string, connection: DatabaseConnection): Promise<DataSource> {
    const definitionHash = createHash('sha256').update(JSON.stringify(connection)).digest('hex');
    const cached = this.dataSources.get(name);
    if (cached?.definitionHash === definitionHash) return cached.ready;
    if (cached) void this.close(cached);
    const ready = new DataSource(
      dataSourceOptions(name, connection, (key) => this.config.get<string>(key)),
    ).initialize();
    const entry = { definitionHash, ready };
    this.dataSources.set(name, entry);
    ready.catch(() => {
      if (this.dataSources.get(name) === entry) this.dataSources.delete(name);
    });
    return ready;
  }

  /**
   * The names of the columns `sql` answers on a connection, asked of the database without
   * running the statement, on a connection of its own: the pool belongs to the configuration
   * serving now, which the one being described may replace.
   */
  columnsOf(
    name: string,
    connection: DatabaseConnection,
    sql: string,
    signal: AbortSignal,
  ): Promise<string[]> {
    const variable = (key: string) => this.config.get<string>(key);
    if (connection.type === 'sqlite') return sqliteColumns(sqliteFile(name, connection, variable), sql);
    const options = dataSourceOptions(name, connection, variable) as PostgresConnectionOptions;
    return postgresColumns(
      {
        ...(options.url !== undefined && { connectionString: options.url }),
        host: options.host,
        port: options.port,
        user: options.username,
        database: options.database,
        password: typeof options.password === 'string' ? options.password : undefined,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      },
      sql,
      signal,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.dataSources.values()];
    this.dataSources.clear();
    await Promise.all(all.map((cached) => this.close(cached)));
  }

  private async close(cached: CachedDataSource): Promise<void> {
    const dataSource = await cached.ready.catch(() => undefined);
    if (dataSource?.isInitialized) await dataSource.destroy();
  }
}

/**
 * TypeORM's options for a connection of `database.yaml`; `variable` reads the environment
 * (`DATA_DIR`, the variable `password_env` names).
 */
export function dataSourceOptions(
  name: string,
  connection: DatabaseConnection,
  variable: (key: string) => string | undefined,
): DataSourceOptions {
  if (connection.type === 'sqlite') {
    const database = sqliteFile(name, connection, variable);
    mkdirSync(dirname(database), { recursive: true });
    return { name, type: 'better-sqlite3', database };
  }
  const password = connection.password_env ? variable(connection.password_env) : undefined;
  return {
    name,
    type: 'postgres',
    ...(connection.url !== undefined && { url: connection.url }),
    ...(connection.host !== undefined && { host: connection.host }),
    ...(connection.port !== undefined && { port: connection.port }),
    ...(connection.username !== undefined && { username: connection.username }),
    ...(connection.database !== undefined && { database: connection.database }),
    ...(password !== undefined && { password }),
    ...(connection.pool?.max !== undefined && { poolSize: connection.pool.max }),
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    extra: { types: { getTypeParser: postgresTypeParser } },
  };
}

/** Where an SQLite connection's file is: its `path`, or `<DATA_DIR>/<name>.sqlite`. */
export function sqliteFile(
  name: string,
  connection: DatabaseConnection,
  variable: (key: string) => string | undefined,
): string {
  return resolve(connection.path ?? join(variable('DATA_DIR') || 'data', `${name}.sqlite`));
}

/** int8 and numeric as numbers when exact, dates as `YYYY-MM-DD` text; pg's defaults otherwise. */
function postgresTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  if (oid === PG_INT8 || oid === PG_NUMERIC) return exactNumber;
  if (oid === PG_DATE) return (text) => text;
  return pgTypes.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
}
