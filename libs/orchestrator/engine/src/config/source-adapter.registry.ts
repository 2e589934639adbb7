import { Injectable } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { SOURCE_ADAPTER_TYPE, type SourceAdapter } from '@libs/core/sources';

/**
 * The source adapters of the application, by type: every provider marked with
 * `@SourceAdapterFor(type)` in any module, so that adding a type is importing its module.
 */
@Injectable()
export class SourceAdapterRegistry {
  private found?: ReadonlyMap<string, SourceAdapter>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  /** Discovered on first use, once every module's providers exist. */
  get adapters(): ReadonlyMap<string, SourceAdapter> {
    this.found ??= this.discover();
    return this.found;
  }

  private discover(): ReadonlyMap<string, SourceAdapter> {
    const adapters = new Map<string, SourceAdapter>();
    const owners = new Map<string, string>();
    for (const { metatype, instance, name } of this.discovery.getProviders()) {
      const type: unknown = metatype && this.reflector.get(SOURCE_ADAPTER_TYPE, metatype);
      if (typeof type !== 'string') continue;
      const owner = String(name);
      if (typeof (instance as Partial<SourceAdapter> | undefined)?.execute !== 'function') {
        throw new Error(`${owner} is marked as the adapter of source type "${type}" but has no execute()`);
      }
      const earlier = owners.get(type);
      // One type, one adapter: two would make which one runs depend on the order of imports.
      if (earlier !== undefined && adapters.get(type) !== instance) {
        throw new Error(`source type "${type}" has two adapters: ${earlier} and ${owner}`);
      }
      owners.set(type, owner);
      adapters.set(type, instance as SourceAdapter);
    }
    return adapters;
  }
}
