import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TextAnalysisController } from './text-analysis.controller';
import { TextAnalysisHealthController } from './text-analysis.health';
import { TextAnalyzer } from './text-analyzer';

/** The text-service's API: `POST /analyze` and `GET /health`. */
@Module({
  imports: [TerminusModule],
  controllers: [TextAnalysisController, TextAnalysisHealthController],
  providers: [TextAnalyzer],
})
export class TextAnalysisModule {}
