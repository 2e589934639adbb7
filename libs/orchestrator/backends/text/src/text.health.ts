import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  type BackendHealthIndicator,
  checkDownstream,
  downstreamSettingsOf,
  HealthIndicatorFor,
} from '@libs/core/resilience';
import { TextClient } from './text.client';

@Injectable()
@HealthIndicatorFor('text')
export class TextHealthIndicator implements BackendHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: TextClient,
  ) {}

  /** Whether the text-service answers `GET /health`. */
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
