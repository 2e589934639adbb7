import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  type BackendHealthIndicator,
  checkDownstream,
  downstreamSettingsOf,
  HealthIndicatorFor,
} from '@libs/core/resilience';
import { FeastClient } from './feast.client';

@Injectable()
@HealthIndicatorFor('feast')
export class FeastHealthIndicator implements BackendHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: FeastClient,
  ) {}

  /** Whether the feature server answers `GET /health`, reported as `feature-server`. */
  check(): Promise<HealthIndicatorResult> {
    return checkDownstream(this.indicators, this.client.downstream);
  }

  /** For `/health`'s `configuration.services`. */
  settings() {
    return {
      service: this.client.downstream.config.name,
      settings: downstreamSettingsOf(this.client.downstream.config),
    };
  }
}
