import type { DatabaseType } from './database-configuration.schema';

/** A statement ready for its driver: placeholders in the text, values beside it. */
export interface BoundStatement {
  sql: string;
  values: unknown[];
}

/**
 * Splits SQL into the pieces a `:name` parameter can or cannot be in: quoted strings,
 * quoted identifiers, comments and `::` casts are passed over as they are.
 */
const TOKENS =
  /('(?:[^']|'')*')|("(?:[^"]|"")*")|(--[^\n]*)|(\/\*[\s\S]*?\*\/)|(::)|:([A-Za-z_][A-Za-z0-9_]*)/g;

/** The `:name` parameters of a statement, in order of first appearance. */
export function parametersOf(sql: string): string[] {
  const names = new Set<string>();
  for (const match of sql.matchAll(TOKENS)) if (match[6]) names.add(match[6]);
  return [...names];
}

/**
 * `:name` → `$1` (postgres, a name used twice is one parameter) or `?` (sqlite, one per use),
 * with the values in the driver's order. The values are never written into the text.
 */
export function bindStatement(
  type: DatabaseType,
  sql: string,
  params: Readonly<Record<string, unknown>>,
): BoundStatement {
  const values: unknown[] = [];
  const positions = new Map<string, number>();
  const text = sql.replace(TOKENS, (token: string, ...groups: (string | undefined)[]) => {
    const name = groups[5];
    if (!name) return token;
    const value = bindable(type, params[name]);
    if (type === 'sqlite') {
      values.push(value);
      return '?';
    }
    let position = positions.get(name);
    if (position === undefined) {
      position = values.push(value);
      positions.set(name, position);
    }
    return `$${position}`;
  });
  return { sql: text, values };
}

/** Drivers take scalars; an object or array param is passed as its JSON. */
function bindable(type: DatabaseType, value: unknown): unknown {
  if (value === undefined) return null;
  // SQLite has no boolean type: it stores and compares them as 1 and 0.
  if (typeof value === 'boolean' && type === 'sqlite') return value ? 1 : 0;
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

/** Statements that only read: `SELECT …` and `WITH … SELECT …` with no data-modifying part. */
export function isReadOnly(sql: string): boolean {
  const code = sql.replace(TOKENS, (token: string, quoted?: string) => (quoted ? "''" : ' '));
  const words = code.trim().toUpperCase();
  if (/^SELECT\b/.test(words)) return !/\b(INTO|FOR\s+UPDATE|FOR\s+SHARE)\b/.test(words);
  return /^WITH\b/.test(words) && !/\b(INSERT|UPDATE|DELETE|MERGE|INTO)\b/.test(words);
}

/** The statement without a final `;`, which a subquery cannot hold. */
export const withoutTerminator = (sql: string): string => sql.trim().replace(/\s*;\s*$/, '');
