import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  type BackendHealthIndicator,
  checkDownstream,
  downstreamSettingsOf,
  HealthIndicatorFor,
} from '@libs/core/resilience';
import { ModelClient } from './model.client';

/** Open Inference Protocol servers have no `/health`; their readiness route says the same. */
export const MODEL_SERVICE_HEALTH_PATH = '/v2/health/ready';

@Injectable()
@HealthIndicatorFor('model')
export class ModelHealthIndicator implements BackendHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: ModelClient,
  ) {}

  /** Whether the model server answers `GET /v2/health/ready`. */
  check(): Promise<HealthIndicatorResult> {
    return checkDownstream(this.indicators, this.client.downstream, MODEL_SERVICE_HEALTH_PATH);
  }

  /** For `/health`'s `configuration.services`. */
  settings() {
    return {
      service: this.client.downstream.config.name,
      settings: downstreamSettingsOf(this.client.downstream.config),
    };
  }
}
