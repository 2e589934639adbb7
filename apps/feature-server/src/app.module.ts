import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@orchestrator/config';
import { FeatureServingModule, featureServerEnvironment } from '@orchestrator/feature-serving';
import { loggingModule } from '@orchestrator/http';

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
