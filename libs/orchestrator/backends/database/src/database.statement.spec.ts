import { bindStatement, isReadOnly, parametersOf, withoutTerminator } from './database.statement';

describe('bindStatement', () => {
  const sql =
    'SELECT id::text, \':not_a_param\' AS quoted, "col:x" FROM t WHERE a = :a AND (b = :b OR :a IS NULL) -- :comment';

  it('numbers each name once for PostgreSQL, leaving casts, strings, identifiers and comments alone', () => {
    expect(bindStatement('postgres', sql, { a: 1, b: 'x' })).toEqual({
      sql: 'SELECT id::text, \':not_a_param\' AS quoted, "col:x" FROM t WHERE a = $1 AND (b = $2 OR $1 IS NULL) -- :comment',
      values: [1, 'x'],
    });
  });

  it('puts one ? per use for SQLite, with the values in order', () => {
    expect(
      bindStatement('sqlite', 'SELECT * FROM t WHERE a = :a AND b = :b OR a = :a', { a: true, b: null }),
    ).toEqual({
      sql: 'SELECT * FROM t WHERE a = ? AND b = ? OR a = ?',
      values: [1, null, 1],
    });
  });

  it('passes every value beside the text, never in it', () => {
    const attack = "'; DROP TABLE customers; --";
    const bound = bindStatement('postgres', 'SELECT * FROM customers WHERE id = :id', { id: attack });
    expect(bound.sql).not.toContain('DROP');
    expect(bound.values).toEqual([attack]);
    expect(bindStatement('postgres', 'SELECT :tags', { tags: ['a', 'b'] }).values).toEqual(['["a","b"]']);
  });
});

describe('parametersOf', () => {
  it('lists the :names of a statement once each, in order', () => {
    expect(parametersOf("SELECT :b, :a, :b, ':c', x::int /* :d */")).toEqual(['b', 'a']);
  });
});

describe('isReadOnly', () => {
  it.each([
    ['SELECT * FROM customers', true],
    ['  with recent AS (SELECT 1) SELECT * FROM recent', true],
    ["SELECT 'insert into' AS text", true],
    ['-- a comment\nSELECT 1', true],
    ['SELECT * INTO copy FROM customers', false],
    ['SELECT * FROM accounts FOR UPDATE', false],
    ['WITH gone AS (DELETE FROM customers RETURNING *) SELECT * FROM gone', false],
    ['UPDATE customers SET name = :name', false],
    ['INSERT INTO customers VALUES (1)', false],
  ])('%s → %p', (sql, expected) => {
    expect(isReadOnly(sql)).toBe(expected);
  });
});

describe('withoutTerminator', () => {
  it('drops a final semicolon', () => {
    expect(withoutTerminator('SELECT 1 ;  \n')).toBe('SELECT 1');
  });
});
