import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { checkDownstream } from '@libs/core/resilience';
import { AudioClient } from './audio.client';

@Injectable()
export class AudioHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: AudioClient,
  ) {}

  /** Whether the transcription service answers its health path (`TRANSCRIPTION_SERVICE_HEALTH_PATH`). */
  check(): Promise<HealthIndicatorResult> {
    return checkDownstream(this.indicators, this.client.downstream, this.client.healthPath);
  }
}
