import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { TextAnalyzer } from './text-analyzer';

@ApiTags('health')
@Controller('health')
export class TextAnalysisHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly analyzer: TextAnalyzer,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Up when the NLP engines answer a one-word analysis' })
  check() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('nlp');
        const analysis = this.analyzer.analyze('ok', { language: 'en', analyses: ['sentiment'] });
        return analysis.sentiment ? indicator.up({ languages: ['en', 'es'] }) : indicator.down();
      },
    ]);
  }
}
