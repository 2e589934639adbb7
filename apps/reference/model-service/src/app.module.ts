import { Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { ModelServingModule } from '@libs/reference/model-serving';
import { environment } from './environment';

@Module({
  imports: [configurationModule(environment), loggingModule('model-service'), ModelServingModule],
})
export class AppModule {}
