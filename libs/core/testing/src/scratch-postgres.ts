import { Client } from 'pg';

/** The machine's PostgreSQL, as the tests reach it: 127.0.0.1:5432, trust authentication. */
export const LOCAL_POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

export interface ScratchDatabase {
  /** The database's name, unique to this process and moment. */
  name: string;
  /** `postgres://postgres@127.0.0.1:5432/<name>` */
  url: string;
  create(): Promise<void>;
  /** Drops it, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/**
 * A PostgreSQL database of a spec's own on the local server, so that specs running at the same
 * time never see each other's tables: `create()` before, `drop()` after.
 */
export function scratchPostgresDatabase(prefix: string): ScratchDatabase {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const asAdmin = async (sql: string) => {
    const client = new Client({ ...LOCAL_POSTGRES, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name,
    url: `postgres://${LOCAL_POSTGRES.user}@${LOCAL_POSTGRES.host}:${LOCAL_POSTGRES.port}/${name}`,
    create: () => asAdmin(`CREATE DATABASE ${name}`),
    drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
