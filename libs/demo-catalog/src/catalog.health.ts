import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CatalogStore } from './catalog.store';

/** `GET /health`: open (no token) and never delayed, so that probes tell the truth. */
@ApiTags('health')
@Controller('health')
export class CatalogHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: CatalogStore,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Up while the catalog is loaded; counts what it holds' })
  check() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('catalog');
        const size = this.store.size;
        return size.products > 0 ? indicator.up(size) : indicator.down(size);
      },
    ]);
  }
}
