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

type Scope = Readonly<Record<string, unknown>>;

/** A reference of a response mapping that found no value, and where in the mapping it is. */
export interface MissingValue {
  /** The keys and indexes leading to it in the mapping (`['profile', 'id']`). */
  at: (string | number)[];
  reference: Reference;
}

/** `onMissing` answers what stands for a whole reference without a value. */
type OnMissing = (reference: Reference, at: (string | number)[]) => unknown;
type Resolve = (scope: Scope, onMissing: OnMissing) => unknown;

/**
 * A declared value (a source's params, a response mapping) with its references found once, when
 * its endpoint is compiled: resolving it against a scope reads the values and parses nothing.
 */
export class Template {
  private readonly run: Resolve;

  constructor(value: unknown) {
    this.run = compile(value, []);
  }

  /**
   * The value with its references replaced from `scope` (request, source results, the current
   * `foreach` item). A missing value is `undefined` for a whole reference and empty text inside
   * a string.
   */
  resolve(scope: Scope): unknown {
    return this.run(scope, () => undefined);
  }

  /**
   * As `resolve`, for a response mapping: a whole reference that finds no value is `null` (a
   * key never vanishes from the answer), and every reference that found none is listed.
   */
  resolveMapping(scope: Scope): { value: unknown; missing: MissingValue[] } {
    const missing: MissingValue[] = [];
    const value = this.run(scope, (reference, at) => {
      missing.push({ at, reference });
      return null;
    });
    return { value, missing };
  }
}

function compile(value: unknown, at: (string | number)[]): Resolve {
  if (typeof value === 'string') return compileText(value, at);
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compile(item, [...at, index]));
    return (scope, onMissing) => items.map((item) => item(scope, onMissing));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compile(item, [...at, key])] as const);
    return (scope, onMissing) =>
      Object.fromEntries(entries.map(([key, item]) => [key, item(scope, onMissing)]));
  }
  return () => value;
}

function compileText(text: string, at: (string | number)[]): Resolve {
  const whole = wholeReference(text);
  if (whole) {
    return (scope, onMissing) => {
      const found = readPath(scope[whole.root], whole.path);
      return found === undefined ? onMissing(whole, at) : found;
    };
  }
  // Literal text and embedded references, in order.
  const parts: (string | Reference)[] = [];
  let end = 0;
  for (const match of text.matchAll(EMBEDDED)) {
    parts.push(text.slice(end, match.index), toReference(match[0], match[1], match[2]));
    end = match.index + match[0].length;
  }
  if (parts.length === 0) return () => text;
  parts.push(text.slice(end));
  return (scope, onMissing) =>
    parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const found = readPath(scope[part.root], part.path);
        if (found === undefined) onMissing(part, at);
        return textOf(found);
      })
      .join('');
}

const textOf = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
