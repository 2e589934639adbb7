import { Module } from '@nestjs/common';
import { ApiModule } from '@libs/orchestrator/backends/api';
import { AudioModule, audioEnvironment } from '@libs/orchestrator/backends/audio';
import { DatabaseModule, databaseEnvironment } from '@libs/orchestrator/backends/database';
import { FeastModule, feastEnvironment } from '@libs/orchestrator/backends/feast';
import { ModelModule, modelEnvironment } from '@libs/orchestrator/backends/model';
import { TextModule, textEnvironment } from '@libs/orchestrator/backends/text';
import { CompositesModule } from '@libs/orchestrator/composites';
import { configurationModule, portVariable } from '@libs/core/config';
import { EngineModule, engineEnvironment, executionTrackingEnvironment } from '@libs/orchestrator/engine';
import { loggingModule } from '@libs/core/http';
import { HealthModule } from '@libs/orchestrator/health';
import { RoutingModule, routingEnvironment } from '@libs/orchestrator/routing';

export const ORCHESTRATOR_PORT = 'ORCHESTRATOR_PORT';

@Module({
  imports: [
    configurationModule({
      [ORCHESTRATOR_PORT]: portVariable(3000),
      ...textEnvironment,
      ...audioEnvironment,
      ...databaseEnvironment,
      ...feastEnvironment,
      ...modelEnvironment,
      ...routingEnvironment,
      ...engineEnvironment,
      ...executionTrackingEnvironment,
    }),
    loggingModule('orchestrator'),
    TextModule,
    AudioModule,
    ApiModule,
    DatabaseModule,
    FeastModule,
    ModelModule,
    RoutingModule,
    HealthModule,
    EngineModule,
    CompositesModule,
  ],
})
export class AppModule {}
