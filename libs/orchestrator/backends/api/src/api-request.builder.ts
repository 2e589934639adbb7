import { DownstreamError } from '@libs/core/http';
import type { AxiosRequestConfig } from 'axios';
import type { ApiMethod, ApiOperation } from './api-integration.schema';

export type PlaceholderPlace = 'path' | 'query' | 'headers' | 'body';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const METHODS_WITH_BODY: ReadonlySet<ApiMethod> = new Set(['POST', 'PUT', 'PATCH']);
const IDEMPOTENT_METHODS: ReadonlySet<ApiMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
// What Node accepts in a header value: a CR or LF would otherwise fail the call as a 502.
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** A request for a DownstreamClient, with its query and headers open to the credentials. */
export type ApiRequest = AxiosRequestConfig & { params: URLSearchParams; headers: Record<string, string> };

export const methodOf = (operation: ApiOperation): ApiMethod => operation.method ?? 'GET';

export const isIdempotent = (operation: ApiOperation): boolean =>
  operation.idempotent ?? IDEMPOTENT_METHODS.has(methodOf(operation));

/** The params an operation's templates name, each with the places that name it. */
export function placeholdersOf(operation: ApiOperation): Map<string, PlaceholderPlace[]> {
  const found = new Map<string, PlaceholderPlace[]>();
  const collect = (value: unknown, place: PlaceholderPlace): void => {
    if (typeof value === 'string') {
      for (const [, name] of value.matchAll(PLACEHOLDER)) {
        const places = found.get(name) ?? [];
        if (!places.includes(place)) found.set(name, [...places, place]);
      }
    } else if (value && typeof value === 'object') {
      for (const item of Object.values(value)) collect(item, place);
    }
  };
  collect(operation.path, 'path');
  collect(operation.query, 'query');
  collect(operation.headers, 'headers');
  collect(operation.body, 'body');
  return found;
}

/**
 * The HTTP request of one call of `operation` with `params`: placeholders filled, and params
 * that no placeholder names sent as the JSON body of a POST, PUT or PATCH without a `body`
 * template, else as query parameters. A value that cannot go where the template puts it (an
 * empty or `..` path segment, a line break in a header) is the caller's mistake: a 400 naming
 * `source`, and no call.
 */
export function buildApiRequest(
  source: string,
  operation: ApiOperation,
  params: Readonly<Record<string, unknown>>,
): ApiRequest {
  const refuse = (message: string) =>
    new DownstreamError(source, 'rejected', `${source}: ${message}`, { downstreamStatus: 400 });
  const method = methodOf(operation);
  const named = placeholdersOf(operation);
  const unnamed = Object.fromEntries(Object.entries(params).filter(([name]) => !named.has(name)));

  const url = operation.path.replace(PLACEHOLDER, (_placeholder, name: string) => {
    const text = textOf(params[name]);
    if (text === '') throw refuse(`param ${name} is empty, and the path ${operation.path} needs a value`);
    return encodeURIComponent(text);
  });
  if (url.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw refuse(`a param value of . or .. cannot be a segment of the path ${operation.path}`);
  }

  const query = new URLSearchParams();
  const appendQuery = (key: string, value: unknown) => {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) query.append(key, textOf(item));
    }
  };
  for (const [key, template] of Object.entries(operation.query ?? {})) {
    appendQuery(key, fill(template, params));
  }

  const unnamedInBody = METHODS_WITH_BODY.has(method) && operation.body === undefined;
  if (!unnamedInBody) {
    for (const [key, value] of Object.entries(unnamed)) appendQuery(key, value);
  }
  const body =
    operation.body !== undefined
      ? fill(operation.body, params)
      : unnamedInBody && Object.keys(unnamed).length > 0
        ? unnamed
        : undefined;

  const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
  for (const [name, template] of Object.entries(operation.headers ?? {})) {
    const value = fill(template, params);
    if (value === undefined || value === null) continue;
    const text = textOf(value);
    if (INVALID_HEADER_VALUE.test(text))
      throw refuse(`the value of header ${name} holds a control character`);
    headers[name] = text;
  }

  return {
    method,
    url,
    params: query,
    headers,
    // Serialized here: given a string, axios would send text that looks like JSON unquoted.
    data: body === undefined ? undefined : JSON.stringify(body),
    // The path is relative to the integration's base URL, even one that looks absolute (`//host`).
    allowAbsoluteUrls: false,
  };
}

/** The part of an answer that `path` (`data.customer`) selects, or undefined if it has none. */
export function selectResponse(answer: unknown, path: string | undefined): unknown {
  if (path === undefined) return answer;
  let current = answer;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * A template with its placeholders filled: a string that is exactly `{param}` takes the value
 * as it is, other strings get the values as text, objects and arrays are filled throughout.
 */
function fill(template: unknown, params: Readonly<Record<string, unknown>>): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    if (whole) return params[whole[1]];
    return template.replace(PLACEHOLDER, (_placeholder, name: string) => textOf(params[name]));
  }
  if (Array.isArray(template)) return template.map((item) => fill(item, params));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, item]) => [key, fill(item, params)]));
  }
  return template;
}

const textOf = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
