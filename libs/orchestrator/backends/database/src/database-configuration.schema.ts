import type { ConfigurationSection, SectionProblem } from '@libs/core/sources';

export const DATABASE_TYPES = ['sqlite', 'postgres'] as const;
export type DatabaseType = (typeof DATABASE_TYPES)[number];
export const RESULT_SHAPES = ['one', 'many', 'scalar'] as const;
export type ResultShape = (typeof RESULT_SHAPES)[number];

export const DEFAULT_MAX_ROWS = 1_000;

/**
 * One connection of `database.yaml` (snake_case), as the adapter uses it: `type` is always set,
 * and a `sqlite:` url has become `path`.
 */
export interface DatabaseConnection {
  type: DatabaseType;
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password_env?: string;
  database?: string;
  path?: string;
  pool?: { max?: number };
}

export interface DatabaseOperation {
  description?: string;
  connection: string;
  sql: string;
  result: ResultShape;
  max_rows?: number;
}

export interface DatabaseConfiguration {
  connections: Record<string, DatabaseConnection>;
  operations: Record<string, DatabaseOperation>;
}

const NAME = '^[A-Za-z_][A-Za-z0-9_-]*$';

const SQLITE_URL = /^sqlite:(.+)$/;

const connectionSchema = {
  type: 'object',
  description:
    'A database. PostgreSQL by `url` (`postgres://user@host:5432/db`) or by fields; SQLite by `path` or a `sqlite:<path>` url. Secrets only through `password_env`.',
  anyOf: [{ required: ['type'] }, { required: ['url'] }],
  additionalProperties: false,
  properties: {
    type: { enum: DATABASE_TYPES, description: 'Optional when `url` is given: its scheme decides.' },
    url: {
      type: 'string',
      pattern: '^(postgres(ql)?://[^\\s:@/]*@?[^\\s]*|sqlite:[^\\s]+)$',
      description:
        '`postgres://user@host:port/database` (no password in it: use password_env) or `sqlite:<path>`. One variable can thus switch the driver: `url: ${DATABASE_URL:-sqlite:data/main.sqlite}`.',
    },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65_535 },
    username: { type: 'string', minLength: 1 },
    password_env: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description:
        'Name of the environment variable holding the password (PostgreSQL; ignored when a `sqlite:` url is in use).',
    },
    database: { type: 'string', minLength: 1 },
    path: {
      type: 'string',
      minLength: 1,
      description:
        'SQLite only: the database file, created on first use (default `${DATA_DIR:-data}/<connection>.sqlite`).',
    },
    pool: {
      type: 'object',
      additionalProperties: false,
      properties: { max: { type: 'integer', minimum: 1, maximum: 100 } },
    },
  },
} as const;

const operationSchema = {
  type: 'object',
  description:
    'A named statement. Sources `{ type: database, operation: <name> }` give one param per `:name` in the SQL; values are bound by the driver, never written into the SQL.',
  required: ['connection', 'sql', 'result'],
  additionalProperties: false,
  properties: {
    description: { type: 'string' },
    connection: { type: 'string', pattern: NAME, description: 'A connection of `connections`.' },
    sql: {
      type: 'string',
      minLength: 1,
      description: 'One statement with `:name` parameters (`SELECT … WHERE id = :customer_id`).',
    },
    result: {
      enum: RESULT_SHAPES,
      description:
        '`one`: the first row (none is a 404), `many`: the rows, `scalar`: the first column of the first row (null for none).',
    },
    max_rows: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_MAX_ROWS,
      description: 'At most this many rows are read.',
    },
  },
} as const;

/** The JSON Schema of `database.yaml`, self-contained (no `$ref`), as sections are. */
export const databaseConfigurationSchema = {
  title: 'Database configuration',
  description: 'database.yaml: connections and named operations of `database` sources.',
  type: 'object',
  additionalProperties: false,
  properties: {
    connections: {
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: connectionSchema,
    },
    operations: {
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: operationSchema,
    },
  },
} as const;

/**
 * `database.yaml`, the section of `database` sources. Once it matches its schema, each connection
 * has its type settled (a `sqlite:` url becomes `path`); a connection whose fields disagree with
 * its type is a problem at it. A directory without the file declares no database.
 */
export const databaseSection: ConfigurationSection<DatabaseConfiguration> = {
  files: { file: 'database.yaml' },
  schema: databaseConfigurationSchema,
  compile(value) {
    const { connections: declared = {}, operations = {} } = (value ?? {}) as {
      connections?: Record<string, DeclaredConnection>;
      operations?: Record<string, DatabaseOperation>;
    };
    const connections: Record<string, DatabaseConnection> = {};
    const problems: SectionProblem[] = [];
    for (const [name, connection] of Object.entries(declared)) {
      const resolved = resolveConnection(connection);
      if ('problems' in resolved) {
        problems.push(...resolved.problems.map((message) => ({ path: ['connections', name], message })));
      } else {
        connections[name] = resolved;
      }
    }
    return { compiled: { connections, operations }, problems };
  },
};

type DeclaredConnection = Omit<DatabaseConnection, 'type'> & { type?: DatabaseType };

/**
 * The connection with its type settled: a `sqlite:` url becomes `path`, so that one variable
 * (`url: ${DATABASE_URL:-sqlite:…}`) switches a deployment from the embedded file to PostgreSQL.
 */
function resolveConnection(declared: DeclaredConnection): DatabaseConnection | { problems: string[] } {
  const sqlitePath = declared.url === undefined ? undefined : SQLITE_URL.exec(declared.url)?.[1];
  const urlType: DatabaseType | undefined =
    declared.url === undefined ? undefined : sqlitePath === undefined ? 'postgres' : 'sqlite';
  const type = declared.type ?? urlType ?? 'sqlite';
  if (urlType && urlType !== type)
    return { problems: [`a ${type} connection cannot take the ${urlType} url`] };
  if (sqlitePath === undefined) {
    const connection = { ...declared, type };
    const problems = connectionProblems(connection);
    return problems.length ? { problems } : connection;
  }
  if (declared.path !== undefined) return { problems: ['give the sqlite file as url or as path, not both'] };
  // The password variable stays valid in a configuration that also runs on PostgreSQL.
  const { url: _url, password_env: _passwordEnv, ...fields } = declared;
  const connection = { ...fields, type, path: sqlitePath };
  const problems = connectionProblems(connection);
  return problems.length ? { problems } : connection;
}

function connectionProblems(connection: DatabaseConnection): string[] {
  const postgresOnly = (['url', 'host', 'port', 'username', 'password_env', 'database'] as const).filter(
    (key) => connection[key] !== undefined,
  );
  if (connection.type === 'sqlite') {
    return postgresOnly.map((key) => `${key} is for postgres connections; a sqlite connection takes path`);
  }
  const problems: string[] = [];
  if (connection.path !== undefined) problems.push('path is for sqlite connections');
  if (connection.url && /^[^:]+:\/\/[^/@]*:[^/@]*@/.test(connection.url)) {
    problems.push('url must not hold a password; name its environment variable in password_env');
  }
  if (!connection.url && !connection.host) problems.push('a postgres connection needs url or host');
  return problems;
}
