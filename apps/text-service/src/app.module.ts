import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@orchestrator/config';
import { loggingModule } from '@orchestrator/http';
import { TextAnalysisModule } from '@orchestrator/text-analysis';

export const TEXT_SERVICE_PORT = 'TEXT_SERVICE_PORT';

@Module({
  imports: [
    configurationModule({ [TEXT_SERVICE_PORT]: portVariable(3001) }),
    loggingModule('text-service'),
    TextAnalysisModule,
  ],
})
export class AppModule {}
