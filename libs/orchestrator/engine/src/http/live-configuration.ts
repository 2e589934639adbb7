import { createAjv } from '@libs/core/config';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { match, type MatchFunction } from 'path-to-regexp';
import type { ConfigurationSnapshot, EndpointDefinition, RequestParameter } from '../model';

export interface RouteMatch {
  endpoint: EndpointDefinition;
  pathParams: Record<string, string>;
  validate: ValidateFunction;
}

interface CompiledRoute {
  endpoint: EndpointDefinition;
  match: MatchFunction<Record<string, string>>;
  validate: ValidateFunction;
}

const JSON_TYPES: Record<RequestParameter['type'], string | undefined> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  // A file part is not JSON: the multipart reader checks it.
  file: undefined,
};

/** The JSON Schema of an endpoint's request: one property per declared parameter. */
export function requestSchemaOf(endpoint: EndpointDefinition): Record<string, unknown> {
  const parameters = endpoint.request.filter((parameter) => parameter.type !== 'file');
  return {
    type: 'object',
    properties: Object.fromEntries(
      parameters.map((parameter) => [
        parameter.name,
        { type: JSON_TYPES[parameter.type], ...(parameter.schema ?? {}) },
      ]),
    ),
    required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}

/**
 * A configuration ready to serve: the snapshot with its routes and request validators compiled
 * once. A reload builds a new one and swaps it in whole; a request keeps the one it matched.
 */
export class LiveConfiguration {
  private readonly routes: CompiledRoute[];

  constructor(readonly snapshot: ConfigurationSnapshot) {
    // Not a check of a format but the adaptation of a request to its endpoint's: path, query and
    // header values arrive as text and are coerced to their declared types, absent ones take
    // their defaults. The schemas were compiled strictly at load (endpoint.reader).
    const ajv = createAjv({ coerceTypes: true, useDefaults: true, strict: false });
    this.routes = snapshot.endpoints.map((endpoint) => ({
      endpoint,
      match: match<Record<string, string>>(endpoint.path, { decode: decodeURIComponent }),
      validate: ajv.compile(requestSchemaOf(endpoint)),
    }));
  }

  /** An endpoint by domain and name, with its request validator, as a composite written in code calls it. */
  endpoint(domain: string, name: string): Omit<RouteMatch, 'pathParams'> | undefined {
    const route = this.routes.find(({ endpoint }) => endpoint.domain === domain && endpoint.name === name);
    return route && { endpoint: route.endpoint, validate: route.validate };
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.routes) {
      if (route.endpoint.method !== method) continue;
      const found = route.match(path);
      if (found) return { endpoint: route.endpoint, pathParams: found.params, validate: route.validate };
    }
    return undefined;
  }
}

/** ajv's errors as the envelope's `fields`: one entry per invalid parameter. */
export function fieldErrorsOf(errors: ErrorObject[]): { field: string; errors: string[] }[] {
  const byField = new Map<string, string[]>();
  for (const error of errors) {
    const field =
      error.keyword === 'required'
        ? String((error.params as { missingProperty: string }).missingProperty)
        : error.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const message =
      error.keyword === 'required' ? `${field} is required` : `${field} ${error.message ?? 'is invalid'}`;
    byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  return [...byField.entries()].map(([field, messages]) => ({ field, errors: messages }));
}
