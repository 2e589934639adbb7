import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { checkDownstream } from '@libs/core/resilience';
import { TextClient } from './text.client';

@Injectable()
export class TextHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly client: TextClient,
  ) {}

  /** Whether the text-service answers `GET /health`. */
  check(): Promise<HealthIndicatorResult> {
    return checkDownstream(this.indicators, this.client.downstream);
  }
}
