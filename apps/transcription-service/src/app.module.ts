import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@orchestrator/config';
import { loggingModule } from '@orchestrator/http';
import { TranscriptionModule, transcriptionEnvironment } from '@orchestrator/transcription';

export const TRANSCRIPTION_SERVICE_PORT = 'TRANSCRIPTION_SERVICE_PORT';

@Module({
  imports: [
    configurationModule({ [TRANSCRIPTION_SERVICE_PORT]: portVariable(3002), ...transcriptionEnvironment }),
    loggingModule('transcription-service'),
    TranscriptionModule,
  ],
})
export class AppModule {}
