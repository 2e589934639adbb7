import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { ModelServingModule, modelServingEnvironment } from '@libs/reference/model-serving';

export const MODEL_SERVICE_PORT = 'MODEL_SERVICE_PORT';

@Module({
  imports: [
    configurationModule({ [MODEL_SERVICE_PORT]: portVariable(3003), ...modelServingEnvironment }),
    loggingModule('model-service'),
    ModelServingModule,
  ],
})
export class AppModule {}
