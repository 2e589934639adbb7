import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { PocketSphinxEngine, SUPPORTED_LANGUAGES, TRANSCRIPTION_MODEL_ID } from './pocketsphinx.engine';

@ApiTags('health')
@Controller('health')
export class TranscriptionHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly engine: PocketSphinxEngine,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Up while PocketSphinx, its model and ffmpeg are installed and runnable; lists the warm decoder processes',
  })
  check() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('engine');
        const details = {
          model: TRANSCRIPTION_MODEL_ID,
          languages: SUPPORTED_LANGUAGES,
          decoders: this.engine.status(),
        };
        try {
          await this.engine.verify();
          return indicator.up(details);
        } catch (error) {
          return indicator.down({ ...details, message: (error as Error).message });
        }
      },
    ]);
  }
}
