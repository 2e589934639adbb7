/** Query parameters whose values never reach a log line, whatever the service. */
const ALWAYS_MASKED = [
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'api_key',
  'apikey',
  'key',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'signature',
  'sig',
  'auth',
  'authorization',
  'code',
];

/** The masked parameters: the built-in ones and `configured` (comma-separated), lower-cased. */
export function sensitiveQueryParameters(configured: string): ReadonlySet<string> {
  return new Set([
    ...ALWAYS_MASKED,
    ...configured
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  ]);
}

/**
 * `url` with the value of every sensitive query parameter replaced by `***`, for a log line.
 * Parameter names are compared case-insensitively; the rest of the URL is kept as it came.
 */
export function maskQuery(url: string, sensitive: ReadonlySet<string>): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const masked = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // An undecodable name is compared as it is.
      }
      return equals !== -1 && sensitive.has(decoded.toLowerCase()) ? `${name}=***` : pair;
    })
    .join('&');
  return `${url.slice(0, start)}?${masked}`;
}
