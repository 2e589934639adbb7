import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { featureServerConfig, type FeatureDatabaseLocation } from './feature-server.config';

const CONNECT_TIMEOUT_MS = 5_000;
const POOL_SIZE = 4;

/**
 * The demo database, read only: SQLite is opened read-only (a missing file is an error rather
 * than a new empty database), PostgreSQL sessions refuse writes. The DataSource is created on
 * first use, so that the server starts while the database is down; a failed start is forgotten
 * so that the next request tries again.
 */
@Injectable()
export class FeatureDatabase implements OnApplicationShutdown {
  private dataSource?: Promise<DataSource>;

  constructor(
    @Inject(featureServerConfig.KEY) private readonly config: ConfigType<typeof featureServerConfig>,
  ) {}

  /** Runs `sql` made with the dialect's placeholders for `values`, which are bound, never interpolated. */
  async query(
    sql: (placeholders: string) => string,
    values: readonly string[],
  ): Promise<Record<string, unknown>[]> {
    const dataSource = await this.connected();
    const placeholders = values
      .map((_, index) => (this.config.database.type === 'postgres' ? `$${index + 1}` : '?'))
      .join(', ');
    return (await dataSource.query(sql(placeholders), [...values])) as Record<string, unknown>[];
  }

  /** Fails unless every one of `tables` can be read. Table names come from the code, never a request. */
  async ping(tables: readonly string[]): Promise<void> {
    const dataSource = await this.connected();
    for (const table of tables) await dataSource.query(`SELECT 1 FROM ${table} LIMIT 1`);
  }

  async onApplicationShutdown(): Promise<void> {
    const dataSource = await this.dataSource?.catch(() => undefined);
    this.dataSource = undefined;
    if (dataSource?.isInitialized) await dataSource.destroy();
  }

  private connected(): Promise<DataSource> {
    if (!this.dataSource) {
      const ready = new DataSource(dataSourceOptions(this.config.database)).initialize();
      this.dataSource = ready;
      ready.catch(() => {
        if (this.dataSource === ready) this.dataSource = undefined;
      });
    }
    return this.dataSource;
  }
}

function dataSourceOptions(location: FeatureDatabaseLocation): DataSourceOptions {
  if (location.type === 'sqlite') {
    return { type: 'better-sqlite3', database: resolve(location.path), readonly: true, fileMustExist: true };
  }
  return {
    type: 'postgres',
    url: location.url,
    ...(location.password !== undefined && { password: location.password }),
    poolSize: POOL_SIZE,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    extra: { options: '-c default_transaction_read_only=on' },
  };
}
