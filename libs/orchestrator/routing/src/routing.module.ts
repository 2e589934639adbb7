import { Module } from '@nestjs/common';
import { AudioModule } from '@libs/orchestrator/backends/audio';
import { TextModule } from '@libs/orchestrator/backends/text';
import { AnalyzeAudioController } from './analyze-audio.controller';
import { AnalyzeTextController } from './analyze-text.controller';
import { AudioUploadReader } from './audio-upload.reader';
import { TranscribeAndAnalyzeService } from './transcribe-and-analyze.service';

/** The orchestrator's routes to its internal services: `/analyze-text` and `/analyze-audio`. */
@Module({
  imports: [TextModule, AudioModule],
  controllers: [AnalyzeTextController, AnalyzeAudioController],
  providers: [AudioUploadReader, TranscribeAndAnalyzeService],
})
export class RoutingModule {}
