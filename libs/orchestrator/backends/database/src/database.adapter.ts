import { Injectable } from '@nestjs/common';
import { DownstreamError, maskSecrets } from '@libs/core/http';
import {
  SourceAdapterFor,
  compiledSection,
  objectWithFields,
  withinSourceCall,
  type ResultShape,
  type SourceAdapter,
  type SourceCall,
  type ConfigurationSections,
  type SourceDeclarationView,
  type SourceProblem,
} from '@libs/core/sources';
import { Observable, defer } from 'rxjs';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_MAX_ROWS,
  databaseSection,
  type DatabaseConfiguration,
  type DatabaseConnection,
  type DatabaseOperation,
} from './database-configuration.schema';
import { DatabaseConnections } from './database.connections';
import { plainRow } from './database.rows';
import { bindStatement, isReadOnly, parametersOf, withoutTerminator } from './database.statement';

export const DATABASE_SOURCE_TYPE = 'database';

/** An operation of database.yaml, with its connection. */
interface DatabaseTarget {
  operationName: string;
  operation: DatabaseOperation;
  connectionName: string;
  connection: DatabaseConnection;
}

/**
 * Sources of type `database`: the named SQL operations of `database.yaml` (see
 * `databaseConfigurationSchema`), with the source's params bound by the driver.
 */
@Injectable()
@SourceAdapterFor(DATABASE_SOURCE_TYPE)
export class DatabaseSourceAdapter implements SourceAdapter {
  readonly type = DATABASE_SOURCE_TYPE;
  readonly section = databaseSection;

  constructor(private readonly connections: DatabaseConnections) {}

  activate(sections: ConfigurationSections): void {
    this.connections.declare(databaseConfigurationOf(sections).connections);
  }

  validate(source: SourceDeclarationView, sections: ConfigurationSections): SourceProblem[] {
    const found = findTarget(source.operation, sections);
    if ('problems' in found) return found.problems.map((message) => ({ path: ['operation'], message }));
    const { operationName, operation } = found;
    const needed = parametersOf(operation.sql);
    const problems: SourceProblem[] = needed
      .filter((param) => !(param in source.params))
      .map((param) => ({
        path: ['params'],
        message: `operation ${operationName} needs param ${param} (in its SQL), which the source does not give`,
      }));
    for (const param of Object.keys(source.params).filter((name) => !needed.includes(name))) {
      problems.push({
        path: ['params', param],
        message: `unknown param ${param}; operation ${operationName} takes ${needed.length ? needed.join(', ') : 'none'}`,
      });
    }
    return problems;
  }

  /**
   * The operation's answer as its statement's columns give it, asked of the database without
   * running it: a row of them (`one`), a list of rows (`many`); a `scalar` is no object. A
   * database that cannot be reached or cannot prepare the statement now leaves it unknown.
   */
  async describeResult(
    source: SourceDeclarationView,
    sections: ConfigurationSections,
    signal: AbortSignal,
  ): Promise<ResultShape | undefined> {
    const found = findTarget(source.operation, sections);
    if ('problems' in found) return undefined;
    const { operation, connectionName, connection } = found;
    if (operation.result === 'scalar') return {};
    const { sql } = bindStatement(connection.type, operation.sql, {});
    const columns = await this.connections
      .columnsOf(connectionName, connection, sql, signal)
      .catch((error: unknown) => {
        const { message } = failure(connectionName, error) as Error;
        const detail = error instanceof Error && error.message ? `: ${maskSecrets(error.message)}` : '';
        throw new Error(`${message}${detail}`);
      });
    const row = objectWithFields(columns);
    return operation.result === 'many' ? { items: row } : row;
  }

  /** Only reads are repeated after a failure; a write might have happened already. */
  idempotent(source: SourceDeclarationView, sections: ConfigurationSections): boolean {
    const found = findTarget(source.operation, sections);
    return 'operation' in found && isReadOnly(found.operation.sql);
  }

  /**
   * Runs the operation and answers its declared shape: the first row (`one`; none is a 404),
   * the rows up to `max_rows` (`many`) or the first column of the first row (`scalar`).
   */
  execute(call: SourceCall): Observable<unknown> {
    return defer(async () => {
      const found = findTarget(call.operation, call.context.sections);
      // A configuration that loaded was validated, so only code calling the adapter directly gets here.
      if ('problems' in found) throw new Error(`source ${call.source}: ${found.problems.join('; ')}`);
      const { operationName, operation, connectionName, connection } = found;
      const dataSource = await this.connections
        .dataSourceFor(connectionName, connection)
        .catch((error: unknown) => Promise.reject(failure(connectionName, error)));
      const rows = await query(dataSource, connection, operation, call.params, call.context).catch(
        (error: unknown) => Promise.reject(failure(connectionName, error)),
      );
      switch (operation.result) {
        case 'many':
          return rows.slice(0, operation.max_rows ?? DEFAULT_MAX_ROWS).map(plainRow);
        case 'scalar':
          return rows.length ? (Object.values(plainRow(rows[0]))[0] ?? null) : null;
        case 'one':
          if (rows.length) return plainRow(rows[0]);
          throw new DownstreamError(
            call.source,
            'rejected',
            `${call.source}: no row for ${operationName} with ${describeParams(call.params)}`,
            { downstreamStatus: 404 },
          );
      }
    }).pipe(withinSourceCall(call, call.operation ?? DATABASE_SOURCE_TYPE));
  }
}

/**
 * Reads are wrapped in a `LIMIT`, so that no more rows than the shape needs leave the database.
 * On PostgreSQL the statement runs with `statement_timeout` set to what is left of the deadline,
 * so that the server cancels it then, and is cancelled at once when the call's signal aborts.
 */
async function query(
  dataSource: DataSource,
  connection: DatabaseConnection,
  operation: DatabaseOperation,
  params: Readonly<Record<string, unknown>>,
  { deadline, signal, onAttempt }: Pick<SourceCall['context'], 'deadline' | 'signal' | 'onAttempt'>,
): Promise<unknown[]> {
  onAttempt?.();
  const limit = operation.result === 'many' ? (operation.max_rows ?? DEFAULT_MAX_ROWS) : 1;
  const sql = isReadOnly(operation.sql)
    ? // On lines of their own, so that a trailing `-- comment` cannot swallow the closing parenthesis.
      `SELECT * FROM (\n${withoutTerminator(operation.sql)}\n) AS limited_rows LIMIT ${Math.trunc(limit)}`
    : operation.sql;
  const statement = bindStatement(connection.type, sql, params);
  if (connection.type === 'sqlite') return rowsOf(await dataSource.query(statement.sql, statement.values));
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    const remainingMs = Math.max(1, Math.ceil(deadline - Date.now()));
    const [{ pid }] = (await runner.query(
      `SELECT set_config('statement_timeout', $1, true), pg_backend_pid() AS pid`,
      [String(remainingMs)],
    )) as { pid: number }[];
    // A call cancelled before its deadline (its client went away) cancels the statement too.
    const cancel = () => void dataSource.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    signal.addEventListener('abort', cancel, { once: true });
    let rows: unknown[];
    try {
      rows = rowsOf(await runner.query(statement.sql, statement.values));
    } finally {
      signal.removeEventListener('abort', cancel);
    }
    await runner.commitTransaction();
    return rows;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/** A SELECT answers rows; a write answers what its RETURNING gives (TypeORM: `[rows, count]` on postgres). */
function rowsOf(answer: unknown): unknown[] {
  if (!Array.isArray(answer)) return [];
  if (answer.length === 2 && Array.isArray(answer[0]) && typeof answer[1] === 'number') return answer[0];
  return answer;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database does not exist
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
]);
const TIMEOUT_CODES = new Set(['57014']); // query_canceled: statement_timeout

/** A driver's failure as a DownstreamError: unreachable → 503, past the deadline → 504, SQL → 502. */
function failure(connectionName: string, error: unknown): unknown {
  if (error instanceof DownstreamError) return error;
  const cause = (error as { driverError?: unknown }).driverError ?? error;
  const code = String((cause as { code?: unknown }).code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  const target = `database ${connectionName}`;
  // The driver's words (SQL, hosts, users) go to the logs and the record, not to the client.
  const options = { cause: error, detail: maskSecrets(message) };
  const because = code ? ` (${code})` : '';
  if (
    UNAVAILABLE_CODES.has(code) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(message)
  ) {
    return new DownstreamError(connectionName, 'unavailable', `${target} is unavailable${because}`, options);
  }
  if (TIMEOUT_CODES.has(code)) {
    return new DownstreamError(
      connectionName,
      'timeout',
      `${target} did not answer within the request's deadline${because}`,
      options,
    );
  }
  return new DownstreamError(connectionName, 'bad-gateway', `${target} failed${because}`, options);
}

const describeParams = (params: Readonly<Record<string, unknown>>): string => {
  const entries = Object.entries(params);
  return entries.length
    ? entries.map(([name, value]) => `${name} = ${JSON.stringify(value)}`).join(', ')
    : 'no params';
};

const NO_DATABASES: DatabaseConfiguration = { connections: {}, operations: {} };

/** `database.yaml` as the loader compiled it; a configuration without the file declares none. */
const databaseConfigurationOf = (sections: ConfigurationSections): DatabaseConfiguration =>
  compiledSection<DatabaseConfiguration>(sections, DATABASE_SOURCE_TYPE) ?? NO_DATABASES;

function findTarget(
  operation: string | undefined,
  sections: ConfigurationSections,
): DatabaseTarget | { problems: string[] } {
  const { connections, operations } = databaseConfigurationOf(sections);
  const known = Object.keys(operations);
  const declared = known.length
    ? `database.yaml declares: ${known.join(', ')}`
    : 'database.yaml declares none';
  if (operation === undefined) return { problems: [`a database source names its operation; ${declared}`] };
  if (!Object.hasOwn(operations, operation))
    return { problems: [`unknown operation ${operation}; ${declared}`] };
  const definition = operations[operation];
  const connectionName = definition.connection;
  if (!Object.hasOwn(connections, connectionName)) {
    const names = Object.keys(connections);
    return {
      problems: [
        `operation ${operation} uses connection ${connectionName}, which database.yaml does not declare; ${names.length ? `its connections: ${names.join(', ')}` : 'it declares none'}`,
      ],
    };
  }
  return {
    operationName: operation,
    operation: definition,
    connectionName,
    connection: connections[connectionName],
  };
}
