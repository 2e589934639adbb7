import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CreditReportStore } from './credit-report.store';

/** `GET /health`: open (no API key) and never delayed, so that probes tell the truth. */
@ApiTags('health')
@Controller('health')
export class CreditBureauHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: CreditReportStore,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Up while the reports are loaded; counts them' })
  check() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('credit_bureau');
        const details = { reports: this.store.size };
        return details.reports > 0 ? indicator.up(details) : indicator.down(details);
      },
    ]);
  }
}
