import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AudioModule } from '@orchestrator/backends/audio';
import { DatabaseModule } from '@orchestrator/backends/database';
import { FeastModule } from '@orchestrator/backends/feast';
import { ModelModule } from '@orchestrator/backends/model';
import { TextModule } from '@orchestrator/backends/text';
import { AnalyzeAudioController } from './analyze-audio.controller';
import { AnalyzeTextController } from './analyze-text.controller';
import { AudioUploadReader } from './audio-upload.reader';
import { ConfigurationSummary } from './configuration.summary';
import { HealthController } from './health.controller';
import { TranscribeAndAnalyzeService } from './transcribe-and-analyze.service';

/** The orchestrator's routes to its services: `/analyze-text`, `/analyze-audio` and `/health`. */
@Module({
  imports: [TextModule, AudioModule, DatabaseModule, FeastModule, ModelModule, TerminusModule],
  controllers: [AnalyzeTextController, AnalyzeAudioController, HealthController],
  providers: [AudioUploadReader, TranscribeAndAnalyzeService, ConfigurationSummary],
})
export class RoutingModule {}
