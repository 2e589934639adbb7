import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurationLoader } from './configuration.loader';
import { SourceAdapterRegistry } from './source-adapter.registry';

/** Loading and checking YAML configurations against the application's source adapters. */
@Module({
  imports: [DiscoveryModule],
  providers: [ConfigurationLoader, SourceAdapterRegistry],
  exports: [ConfigurationLoader, SourceAdapterRegistry],
})
export class EndpointConfigurationModule {}
