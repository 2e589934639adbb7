import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { AudioUploadReceiver } from './audio-upload.receiver';
import { PocketSphinxEngine } from './pocketsphinx.engine';
import { transcriptionConfig } from './transcription.config';
import { TranscriptionController } from './transcription.controller';
import { TranscriptionHealthController } from './transcription.health';

/**
 * OpenAI's `POST /v1/audio/transcriptions` and `GET /v1/models` over PocketSphinx, and `GET /health`. The service
 * does not start unless the engine and its model are installed.
 */
@Module({
  imports: [ConfigModule.forFeature(transcriptionConfig), TerminusModule],
  controllers: [TranscriptionController, TranscriptionHealthController],
  providers: [PocketSphinxEngine, AudioUploadReceiver],
  exports: [PocketSphinxEngine],
})
export class TranscriptionModule {}
