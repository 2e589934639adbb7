import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AudioModule } from '@libs/orchestrator/backends/audio';
import { DatabaseModule } from '@libs/orchestrator/backends/database';
import { FeastModule } from '@libs/orchestrator/backends/feast';
import { ModelModule } from '@libs/orchestrator/backends/model';
import { TextModule } from '@libs/orchestrator/backends/text';
import { ConfigurationSummary } from './configuration.summary';
import { HealthController } from './health.controller';

/** The orchestrator's `/health`, `/health/live` and `/health/ready`: itself and every backend. */
@Module({
  imports: [TextModule, AudioModule, DatabaseModule, FeastModule, ModelModule, TerminusModule],
  controllers: [HealthController],
  providers: [ConfigurationSummary],
})
export class HealthModule {}
