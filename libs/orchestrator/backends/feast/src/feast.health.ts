import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { checkDownstream } from '@libs/core/resilience';
import { FeastClient } from './feast.client';

@Injectable()
export class FeastHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: FeastClient,
  ) {}

  /** Whether the feature server answers `GET /health`, reported as `feature-server`. */
  check(): Promise<HealthIndicatorResult> {
    return checkDownstream(this.indicators, this.client.downstream);
  }
}
