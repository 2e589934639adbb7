import { referencesIn } from '../references';

export const REDACTED = '[redacted]';

// Compared without case or separators, so `api_key`, `X-Api-Key` and `apiKey` all match, while
// `max_tokens` or `tokenizer` do not.
const SECRET_SUFFIXES = [
  'token',
  'password',
  'passwd',
  'secret',
  'apikey',
  'authorization',
  'credential',
  'credentials',
];

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  const prototype = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  return prototype === Object.prototype || prototype === null;
};

/**
 * A source's resolved params as an execution record may show them: a param is redacted when
 * its name is one of the endpoint's `sensitive` request fields or looks like a secret, or when
 * its declared value reads a sensitive request field under another name.
 */
export function redactParams(
  resolved: Record<string, unknown>,
  declared: Record<string, unknown>,
  sensitive: readonly string[],
): Record<string, unknown> {
  return redact(resolved, declared, new Set(sensitive)) as Record<string, unknown>;
}

function redact(resolved: unknown, declared: unknown, sensitive: ReadonlySet<string>): unknown {
  if (Array.isArray(resolved)) {
    return resolved.map((item, index) =>
      redact(item, Array.isArray(declared) ? declared[index] : undefined, sensitive),
    );
  }
  if (isPlainObject(resolved)) {
    const declaredFields = isPlainObject(declared) ? declared : {};
    return Object.fromEntries(
      Object.entries(resolved).map(([key, value]) => [
        key,
        isSecret(key, declaredFields[key], sensitive)
          ? REDACTED
          : redact(value, declaredFields[key], sensitive),
      ]),
    );
  }
  // An upload stream or a buffer is named, not walked through.
  return typeof resolved === 'object' && resolved !== null ? `[${resolved.constructor.name}]` : resolved;
}

function isSecret(key: string, declared: unknown, sensitive: ReadonlySet<string>): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    sensitive.has(key) ||
    SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix)) ||
    referencesIn(declared).some((ref) => ref.root === 'request' && sensitive.has(String(ref.path[0])))
  );
}
