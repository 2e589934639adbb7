import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  type BackendHealthIndicator,
  checkDownstream,
  downstreamSettingsOf,
  HealthIndicatorFor,
} from '@libs/core/resilience';
import { AudioClient } from './audio.client';

@Injectable()
@HealthIndicatorFor('audio')
export class AudioHealthIndicator implements BackendHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: AudioClient,
  ) {}

  /** Whether the transcription service answers its health path (`TRANSCRIPTION_SERVICE_HEALTH_PATH`). */
  check(): Promise<HealthIndicatorResult> {
    return checkDownstream(this.indicators, this.client.downstream, this.client.healthPath);
  }

  /** For `/health`'s `configuration.services`. */
  settings() {
    const { config } = this.client.downstream;
    return {
      service: config.name,
      settings: {
        ...downstreamSettingsOf(config),
        healthPath: this.client.healthPath,
        model: this.client.model,
      },
    };
  }
}
