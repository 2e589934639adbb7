import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { BackendHealthRegistry } from './backend-health.registry';
import { ConfigurationSummary } from './configuration.summary';
import { HealthController } from './health.controller';

/**
 * The orchestrator's `/health`, `/health/live` and `/health/ready`: itself and every backend whose
 * module the application imports (each brings its indicator, marked with `@HealthIndicatorFor`).
 */
@Module({
  imports: [DiscoveryModule, TerminusModule],
  controllers: [HealthController],
  providers: [BackendHealthRegistry, ConfigurationSummary],
})
export class HealthModule {}
