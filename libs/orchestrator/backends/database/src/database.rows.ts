/**
 * A value of a row as plain JSON with stable types: integers and decimals as numbers when a
 * number holds them exactly (as strings otherwise), timestamps as ISO strings, bytes as base64.
 */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainValue(item)]));
  }
  return value;
}

/** A row of the driver as a plain object. */
export const plainRow = (row: unknown): Record<string, unknown> => plainValue(row) as Record<string, unknown>;

/**
 * PostgreSQL's int8 and numeric arrive as text (they may not fit a double): a number when it
 * is exact, the text otherwise.
 */
export function exactNumber(text: string): number | string {
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(number) ? number : text;
  return String(number) === text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') ? number : text;
}
