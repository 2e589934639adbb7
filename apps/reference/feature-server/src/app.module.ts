import { Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { FeatureServingModule } from '@libs/reference/feature-serving';
import { loggingModule } from '@libs/core/http';
import { environment } from './environment';

@Module({
  imports: [configurationModule(environment), loggingModule('feature-server'), FeatureServingModule],
})
export class AppModule {}
