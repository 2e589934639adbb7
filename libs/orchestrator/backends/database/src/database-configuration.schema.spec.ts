import { parseDatabaseConfiguration } from './database-configuration.schema';

describe('parseDatabaseConfiguration', () => {
  it('accepts connections and operations, and a missing file as empty', () => {
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
    expect(parseDatabaseConfiguration(definition)).toEqual({ configuration: definition });
    expect(parseDatabaseConfiguration(undefined)).toEqual({
      configuration: { connections: {}, operations: {} },
    });
  });

  it('names every problem', () => {
    expect(
      parseDatabaseConfiguration({
        connections: {
          main: { type: 'sqlite', host: 'x' },
          pg: { type: 'postgres', url: 'postgres://user:secret@db/shop' },
          bare: { type: 'postgres' },
        },
        operations: { bad: { connection: 'main', sql: 'SELECT 1', result: 'all', max_rows: 0 } },
      }),
    ).toEqual({
      problems: [
        '/operations/bad/result: must be one of: one, many, scalar',
        '/operations/bad/max_rows: must be >= 1',
      ],
    });
    expect(
      parseDatabaseConfiguration({
        connections: {
          main: { type: 'sqlite', host: 'x' },
          pg: { type: 'postgres', url: 'postgres://user:secret@db/shop' },
          bare: { type: 'postgres' },
        },
      }),
    ).toEqual({
      problems: [
        '/connections/main: host is for postgres connections; a sqlite connection takes path',
        '/connections/pg: url must not hold a password; name its environment variable in password_env',
        '/connections/bare: a postgres connection needs url or host',
      ],
    });
  });

  it('lets the url decide the driver, so that one variable switches SQLite for PostgreSQL', () => {
    const configurationFor = (url: string) =>
      parseDatabaseConfiguration({ connections: { main: { url, password_env: 'DATABASE_PASSWORD' } } });

    expect(configurationFor('sqlite:data/main.sqlite')).toEqual({
      configuration: { connections: { main: { type: 'sqlite', path: 'data/main.sqlite' } }, operations: {} },
    });
    expect(configurationFor('postgres://shop@db:5432/shop')).toEqual({
      configuration: {
        connections: {
          main: { type: 'postgres', url: 'postgres://shop@db:5432/shop', password_env: 'DATABASE_PASSWORD' },
        },
        operations: {},
      },
    });
    expect(
      parseDatabaseConfiguration({
        connections: {
          mixed: { type: 'postgres', url: 'sqlite:data/main.sqlite' },
          twice: { url: 'sqlite:a.sqlite', path: 'b.sqlite' },
          neither: { pool: { max: 2 } },
        },
      }),
    ).toEqual({ problems: ['/connections/neither: needs type, or a url whose scheme gives it'] });
    expect(
      parseDatabaseConfiguration({
        connections: {
          mixed: { type: 'postgres', url: 'sqlite:data/main.sqlite' },
          twice: { url: 'sqlite:a.sqlite', path: 'b.sqlite' },
        },
      }),
    ).toEqual({
      problems: [
        '/connections/mixed: a postgres connection cannot take the sqlite url',
        '/connections/twice: give the sqlite file as url or as path, not both',
      ],
    });
  });
});
