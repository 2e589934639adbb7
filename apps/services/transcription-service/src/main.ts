import './tracing';
import { bootstrapService } from '@libs/core/http';
import { AppModule } from './app.module';
import { TRANSCRIPTION_SERVICE_PORT } from './environment';

void bootstrapService(AppModule, TRANSCRIPTION_SERVICE_PORT, {
  title: 'transcription-service',
  description:
    'Internal speech-to-text with offline CMU PocketSphinx, speaking the OpenAI-compatible ' +
    'transcription API (POST /v1/audio/transcriptions).',
  uploadLimitVariable: 'TRANSCRIPTION_MAX_BYTES',
});
