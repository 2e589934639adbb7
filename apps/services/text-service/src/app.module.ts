import { Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { TextAnalysisModule } from '@libs/services/text-analysis';
import { environment } from './environment';

@Module({
  imports: [configurationModule(environment), loggingModule('text-service'), TextAnalysisModule],
})
export class AppModule {}
