import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@libs/core/config';
import { FeatureServingModule, featureServerEnvironment } from '@libs/reference/feature-serving';
import { loggingModule } from '@libs/core/http';

export const FEATURE_SERVER_PORT = 'FEATURE_SERVER_PORT';

/** Feast's own default port, so that a Feast client finds it where it looks first. */
const FEAST_DEFAULT_PORT = 6566;

@Module({
  imports: [
    configurationModule({
      [FEATURE_SERVER_PORT]: portVariable(FEAST_DEFAULT_PORT),
      ...featureServerEnvironment,
    }),
    loggingModule('feature-server'),
    FeatureServingModule,
  ],
})
export class AppModule {}
