import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ModelRepository } from './model-repository';

/** `GET /health`, the stack's convention: up while a model serves, with what loaded and what did not. */
@ApiTags('health')
@Controller('health')
export class ModelServingHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly repository: ModelRepository,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Up while at least one model is loaded; lists the models and load failures' })
  check() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('models');
        const details = {
          directory: this.repository.directory,
          loaded: this.repository.all().map((model) => `${model.name}@${model.version}`),
          failed: this.repository.failures,
        };
        return details.loaded.length > 0 ? indicator.up(details) : indicator.down(details);
      },
    ]);
  }
}
