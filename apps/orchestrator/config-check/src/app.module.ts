import { Module } from '@nestjs/common';
import { ApiModule } from '@libs/orchestrator/backends/api';
import { AudioModule, audioEnvironment } from '@libs/orchestrator/backends/audio';
import { DatabaseModule, databaseEnvironment } from '@libs/orchestrator/backends/database';
import { FeastModule, feastEnvironment } from '@libs/orchestrator/backends/feast';
import { ModelModule, modelEnvironment } from '@libs/orchestrator/backends/model';
import { TextModule, textEnvironment } from '@libs/orchestrator/backends/text';
import { configurationModule } from '@libs/core/config';
import { EndpointConfigurationModule } from '@libs/orchestrator/engine';

/**
 * The orchestrator's source types, without its HTTP server: a configuration passes here exactly
 * when the orchestrator would accept it. Backends read their environment as they do there.
 */
@Module({
  imports: [
    configurationModule({
      ...textEnvironment,
      ...audioEnvironment,
      ...databaseEnvironment,
      ...feastEnvironment,
      ...modelEnvironment,
    }),
    ApiModule,
    AudioModule,
    DatabaseModule,
    FeastModule,
    ModelModule,
    TextModule,
    EndpointConfigurationModule,
  ],
})
export class AppModule {}
