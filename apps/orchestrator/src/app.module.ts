import { Module } from '@nestjs/common';
import { ApiModule } from '@orchestrator/backends/api';
import { AudioModule, audioEnvironment } from '@orchestrator/backends/audio';
import { DatabaseModule, databaseEnvironment } from '@orchestrator/backends/database';
import { FeastModule, feastEnvironment } from '@orchestrator/backends/feast';
import { ModelModule, modelEnvironment } from '@orchestrator/backends/model';
import { TextModule, textEnvironment } from '@orchestrator/backends/text';
import { CompositesModule } from '@orchestrator/composites';
import { configurationModule, portVariable } from '@orchestrator/config';
import { EngineModule, engineEnvironment, executionTrackingEnvironment } from '@orchestrator/engine';
import { loggingModule } from '@orchestrator/http';
import { RoutingModule, routingEnvironment } from '@orchestrator/routing';

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
    EngineModule,
    CompositesModule,
  ],
})
export class AppModule {}
