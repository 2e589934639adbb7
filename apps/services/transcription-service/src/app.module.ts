import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { TranscriptionModule, transcriptionEnvironment } from '@libs/services/transcription';

export const TRANSCRIPTION_SERVICE_PORT = 'TRANSCRIPTION_SERVICE_PORT';

@Module({
  imports: [
    configurationModule({ [TRANSCRIPTION_SERVICE_PORT]: portVariable(3002), ...transcriptionEnvironment }),
    loggingModule('transcription-service'),
    TranscriptionModule,
  ],
})
export class AppModule {}
