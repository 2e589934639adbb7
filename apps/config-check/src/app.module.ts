import { Module } from '@nestjs/common';
import { ApiModule } from '@orchestrator/backends/api';
import { AudioModule, audioEnvironment } from '@orchestrator/backends/audio';
import { DatabaseModule, databaseEnvironment } from '@orchestrator/backends/database';
import { FeastModule, feastEnvironment } from '@orchestrator/backends/feast';
import { ModelModule, modelEnvironment } from '@orchestrator/backends/model';
import { TextModule, textEnvironment } from '@orchestrator/backends/text';
import { configurationModule } from '@orchestrator/config';
import { EndpointConfigurationModule } from '@orchestrator/engine';

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
