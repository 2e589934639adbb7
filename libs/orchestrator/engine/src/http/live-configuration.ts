import type { ErrorObject } from 'ajv';
import { qualifiedName, type CompiledEndpoint, type ConfigurationSnapshot } from '../model';

export interface RouteMatch {
  endpoint: CompiledEndpoint;
  pathParams: Record<string, string>;
}

/**
 * A configuration ready to serve: the snapshot, whose endpoints the loader compiled, indexed by
 * method and by qualified name. A reload builds a new one and swaps it in whole; a request keeps
 * the one it matched.
 */
export class LiveConfiguration {
  private readonly byMethod = new Map<string, CompiledEndpoint[]>();
  private readonly byName: ReadonlyMap<string, CompiledEndpoint>;

  constructor(readonly snapshot: ConfigurationSnapshot) {
    for (const endpoint of snapshot.endpoints) {
      const { method } = endpoint.definition;
      this.byMethod.set(method, [...(this.byMethod.get(method) ?? []), endpoint]);
    }
    this.byName = new Map(
      snapshot.endpoints.map((endpoint) => [qualifiedName(endpoint.definition), endpoint]),
    );
  }

  /** An endpoint by domain and name, as a composite written in code calls it. */
  endpoint(domain: string, name: string): CompiledEndpoint | undefined {
    return this.byName.get(qualifiedName({ domain, name }));
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const endpoint of this.byMethod.get(method) ?? []) {
      const pathParams = endpoint.matchPath(path);
      if (pathParams) return { endpoint, pathParams };
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
