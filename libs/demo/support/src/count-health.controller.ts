import { Controller, Get, Inject, type Type } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

export interface CountHealthOptions<Store, Counts extends Record<string, number>> {
  /** The key of the indicator in the answer's `details`, such as `catalog`. */
  indicator: string;
  /** The route's summary in the OpenAPI document. */
  summary: string;
  /** The provider that holds the data, as the module provides it. */
  store: Type<Store>;
  /** What it holds, reported as the indicator's details. */
  counts: (store: Store) => Counts;
  /** The count that must be above zero for the service to be up. */
  upWhile: keyof Counts;
}

/**
 * The `GET /health` controller of a demo service that serves data it has loaded: up while it
 * holds some, with the counts as details. Not behind the routes' secret and delay (the module
 * binds those to its API controller only), so that probes tell the truth.
 */
export function countHealthController<Store, Counts extends Record<string, number>>(
  options: CountHealthOptions<Store, Counts>,
): Type<unknown> {
  @ApiTags('health')
  @Controller('health')
  class CountHealthController {
    constructor(
      private readonly health: HealthCheckService,
      private readonly indicators: HealthIndicatorService,
      @Inject(options.store) private readonly store: Store,
    ) {}

    @Get()
    @HealthCheck()
    @ApiOperation({ summary: options.summary })
    check() {
      return this.health.check([
        () => {
          const indicator = this.indicators.check(options.indicator);
          const counts = options.counts(this.store);
          const details: Record<string, number> = counts;
          return counts[options.upWhile] > 0 ? indicator.up(details) : indicator.down(details);
        },
      ]);
    }
  }
  return CountHealthController;
}
