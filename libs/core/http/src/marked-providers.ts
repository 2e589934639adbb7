import type { DiscoveryService, Reflector } from '@nestjs/core';

/** How the providers marked with one key are named in errors. */
export interface MarkedRole {
  /** What a provider marked `mark` is meant to be: `the adapter of source type "api"`. */
  role(mark: string): string;
  /** What one mark stands for: `source type "api"`. */
  owner(mark: string): string;
  /** The providers, in the plural: `adapters`. */
  plural: string;
  /** The method that makes a provider what its mark says. */
  method: string;
}

/**
 * The one provider of the application marked `mark` with metadata `key` (a string), for each mark,
 * module by module in the order Nest registers them (a module's imports in their order): how the engine and the health check find what the
 * backends bring without importing them, so that adding a backend is importing its module. An
 * instance exported by several modules counts once; a marked provider without `method`, or a
 * second one for a mark (which one served would depend on the order of imports), is an error.
 */
export function markedProviders<T>(
  discovery: DiscoveryService,
  reflector: Reflector,
  key: string,
  named: MarkedRole,
): ReadonlyMap<string, T> {
  const found = new Map<string, { instance: unknown; name: string }>();
  for (const { metatype, instance, name } of discovery.getProviders()) {
    const mark: unknown = metatype && reflector.get(key, metatype);
    if (typeof mark !== 'string') continue;
    const owner = String(name);
    if (typeof (instance as Record<string, unknown> | undefined)?.[named.method] !== 'function') {
      throw new Error(`${owner} is marked as ${named.role(mark)} but has no ${named.method}()`);
    }
    const earlier = found.get(mark);
    if (earlier?.instance === instance) continue;
    if (earlier)
      throw new Error(`${named.owner(mark)} has two ${named.plural}: ${earlier.name} and ${owner}`);
    found.set(mark, { instance, name: owner });
  }
  return new Map([...found].map(([mark, { instance }]) => [mark, instance as T]));
}
