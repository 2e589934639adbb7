import { SetMetadata } from '@nestjs/common';

export const SOURCE_ADAPTER_TYPE = 'orchestrator:source-adapter-type';

/**
 * Marks a provider as the adapter of a source `type`; the engine finds every marked provider
 * through Nest's DiscoveryService, so adding a type is adding a module.
 */
export const SourceAdapterFor = (type: string) => SetMetadata(SOURCE_ADAPTER_TYPE, type);
