import { Injectable } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { markedProviders } from '@libs/core/http';
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
    return markedProviders<SourceAdapter>(this.discovery, this.reflector, SOURCE_ADAPTER_TYPE, {
      role: (type) => `the adapter of source type "${type}"`,
      owner: (type) => `source type "${type}"`,
      plural: 'adapters',
      method: 'execute',
    });
  }
}
