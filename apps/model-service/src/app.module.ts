import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@orchestrator/config';
import { loggingModule } from '@orchestrator/http';
import { ModelServingModule, modelServingEnvironment } from '@orchestrator/model-serving';

export const MODEL_SERVICE_PORT = 'MODEL_SERVICE_PORT';

@Module({
  imports: [
    configurationModule({ [MODEL_SERVICE_PORT]: portVariable(3003), ...modelServingEnvironment }),
    loggingModule('model-service'),
    ModelServingModule,
  ],
})
export class AppModule {}
