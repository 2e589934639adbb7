import { Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { TranscriptionModule } from '@libs/services/transcription';
import { environment } from './environment';

@Module({
  imports: [configurationModule(environment), loggingModule('transcription-service'), TranscriptionModule],
})
export class AppModule {}
