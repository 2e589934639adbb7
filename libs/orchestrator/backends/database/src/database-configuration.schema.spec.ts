import { createAjv } from '@libs/core/config';
import { databaseConfigurationSchema, databaseSection } from './database-configuration.schema';

const compiled = (definition: Record<string, unknown> | undefined) => databaseSection.compile(definition);

describe('databaseSection', () => {
  it('compiles connections and operations, and a missing file as empty', () => {
    const definition = {
      connections: {
        main: { type: 'sqlite' },
        warehouse: {
          type: 'postgres',
          url: 'postgres://reader@db:5432/shop',
          password_env: 'DB_PASSWORD',
          pool: { max: 5 },
        },
        crm: { type: 'postgres', host: 'crm-db', port: 5432, username: 'crm', database: 'crm' },
      },
      operations: {
        get_customer: { connection: 'main', sql: 'SELECT * FROM customers WHERE id = :id', result: 'one' },
        recent: { connection: 'warehouse', sql: 'SELECT 1', result: 'many', max_rows: 10 },
      },
    };
    expect(compiled(definition)).toEqual({ compiled: definition, problems: [] });
    expect(compiled(undefined)).toEqual({ compiled: { connections: {}, operations: {} }, problems: [] });
  });

  it('names each connection whose fields disagree with its type', () => {
    expect(
      compiled({
        connections: {
          main: { type: 'sqlite', host: 'x' },
          pg: { type: 'postgres', url: 'postgres://user:secret@db/shop' },
          bare: { type: 'postgres' },
        },
      }).problems,
    ).toEqual([
      {
        path: ['connections', 'main'],
        message: 'host is for postgres connections; a sqlite connection takes path',
      },
      {
        path: ['connections', 'pg'],
        message: 'url must not hold a password; name its environment variable in password_env',
      },
      { path: ['connections', 'bare'], message: 'a postgres connection needs url or host' },
    ]);
  });

  it('lets the url decide the driver, so that one variable switches SQLite for PostgreSQL', () => {
    const configurationFor = (url: string) =>
      compiled({ connections: { main: { url, password_env: 'DATABASE_PASSWORD' } } }).compiled;

    expect(configurationFor('sqlite:data/main.sqlite')).toEqual({
      connections: { main: { type: 'sqlite', path: 'data/main.sqlite' } },
      operations: {},
    });
    expect(configurationFor('postgres://shop@db:5432/shop')).toEqual({
      connections: {
        main: { type: 'postgres', url: 'postgres://shop@db:5432/shop', password_env: 'DATABASE_PASSWORD' },
      },
      operations: {},
    });
    expect(
      compiled({
        connections: {
          mixed: { type: 'postgres', url: 'sqlite:data/main.sqlite' },
          twice: { url: 'sqlite:a.sqlite', path: 'b.sqlite' },
        },
      }).problems,
    ).toEqual([
      { path: ['connections', 'mixed'], message: 'a postgres connection cannot take the sqlite url' },
      { path: ['connections', 'twice'], message: 'give the sqlite file as url or as path, not both' },
    ]);
  });

  it('has a schema that compiles under the one Ajv configuration and refuses what the compile step cannot take', () => {
    const validate = createAjv().compile(databaseConfigurationSchema);

    expect(validate({ connections: { neither: { pool: { max: 2 } } } })).toBe(false);
    expect(validate({ operations: { bad: { connection: 'main', sql: 'SELECT 1', result: 'all' } } })).toBe(
      false,
    );
    expect(validate({ connections: { main: { url: 'sqlite:data/main.sqlite' } } })).toBe(true);
  });
});
