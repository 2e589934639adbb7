/**
 * References in endpoint declarations. A string that is exactly one reference takes the
 * referenced value with its type (`"$request.customer_id"`, `"$profile.addresses[0].city"`);
 * a longer string embeds references as `${…}` and becomes text
 * (`"${profile.first_name} ${profile.last_name}"`).
 */

export interface Reference {
  /** `request`, a source's name, or a `foreach` item's name. */
  root: string;
  path: (string | number)[];
  /** As written, for error messages. */
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const SEGMENT = `(?:\\.[A-Za-z_][A-Za-z0-9_-]*|\\[\\d+\\])`;
const WHOLE = new RegExp(`^\\$(${NAME})(${SEGMENT}*)$`);
const EMBEDDED = new RegExp(`\\$\\{(${NAME})(${SEGMENT}*)\\}`, 'g');
const SEGMENTS = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/g;

function toReference(text: string, root: string, segments: string): Reference {
  const path = [...segments.matchAll(SEGMENTS)].map(([, key, index]) =>
    key !== undefined ? key : Number(index),
  );
  return { root, path, text };
}

/** The reference a string is, when it is exactly one. */
export function wholeReference(value: string): Reference | undefined {
  const match = WHOLE.exec(value);
  return match ? toReference(value, match[1], match[2]) : undefined;
}

/** Every reference in a declared value: strings, and strings inside objects and arrays. */
export function referencesIn(value: unknown): Reference[] {
  if (typeof value === 'string') {
    const whole = wholeReference(value);
    if (whole) return [whole];
    return [...value.matchAll(EMBEDDED)].map((match) => toReference(match[0], match[1], match[2]));
  }
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(referencesIn);
  return [];
}

/** The value at a path, or undefined when any step is missing. */
export function readPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/**
 * A declared value with its references replaced from `scope` (request, source results, the
 * current `foreach` item). A missing value is `undefined` for a whole reference and empty text
 * inside a string.
 */
export function resolveReferences(value: unknown, scope: Readonly<Record<string, unknown>>): unknown {
  return resolve(value, scope, [], () => undefined);
}

/** A reference of a response mapping that found no value, and where in the mapping it is. */
export interface MissingValue {
  /** The keys and indexes leading to it in the mapping (`['profile', 'id']`). */
  at: (string | number)[];
  reference: Reference;
}

/**
 * A response mapping with its references replaced from `scope`, as `resolveReferences` does,
 * except that a whole reference that finds no value is `null` (a key never vanishes from the
 * answer), and every reference that found none is listed.
 */
export function resolveMapping(
  template: unknown,
  scope: Readonly<Record<string, unknown>>,
): { value: unknown; missing: MissingValue[] } {
  const missing: MissingValue[] = [];
  const value = resolve(template, scope, [], (reference, at) => {
    missing.push({ at, reference });
    return null;
  });
  return { value, missing };
}

/** `onMissing` answers what stands for a whole reference without a value. */
function resolve(
  value: unknown,
  scope: Readonly<Record<string, unknown>>,
  at: (string | number)[],
  onMissing: (reference: Reference, at: (string | number)[]) => unknown,
): unknown {
  if (typeof value === 'string') {
    const whole = wholeReference(value);
    if (whole) {
      const found = readPath(scope[whole.root], whole.path);
      return found === undefined ? onMissing(whole, at) : found;
    }
    return value.replace(EMBEDDED, (text, root: string, segments: string) => {
      const reference = toReference(text, root, segments);
      const found = readPath(scope[root], reference.path);
      if (found === undefined) onMissing(reference, at);
      return textOf(found);
    });
  }
  if (Array.isArray(value))
    return value.map((item, index) => resolve(item, scope, [...at, index], onMissing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolve(item, scope, [...at, key], onMissing)]),
    );
  }
  return value;
}

const textOf = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
