import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { TextAnalysisModule } from '@libs/services/text-analysis';

export const TEXT_SERVICE_PORT = 'TEXT_SERVICE_PORT';

@Module({
  imports: [
    configurationModule({ [TEXT_SERVICE_PORT]: portVariable(3001) }),
    loggingModule('text-service'),
    TextAnalysisModule,
  ],
})
export class AppModule {}
