import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { FeatureDatabase } from './feature-database';
import { featureServerConfig } from './feature-server.config';
import { FeatureServerHealthController } from './feature-server.health';
import { OnlineFeaturesController } from './online-features.controller';
import { OnlineFeatureService } from './online-features.service';

/**
 * A feature server speaking Feast's HTTP protocol (`POST /get-online-features`, `GET /health`)
 * over the demo database: the feature views of `feature-views.ts`, computed when asked.
 */
@Module({
  imports: [ConfigModule.forFeature(featureServerConfig), TerminusModule],
  controllers: [OnlineFeaturesController, FeatureServerHealthController],
  providers: [FeatureDatabase, OnlineFeatureService],
})
export class FeatureServingModule {}
