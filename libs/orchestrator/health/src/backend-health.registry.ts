import { Injectable } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { markedProviders } from '@libs/core/http';
import { BACKEND_HEALTH_INDICATOR, type BackendHealthIndicator } from '@libs/core/resilience';

/**
 * The health indicators of the application's backends: every provider marked with
 * `@HealthIndicatorFor(backend)` in any module, module by module as they are imported, so that
 * `/health` reports every backend the orchestrator is built with and imports none of them.
 */
@Injectable()
export class BackendHealthRegistry {
  private found?: readonly BackendHealthIndicator[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  /** Discovered on first use, once every module's providers exist. */
  get indicators(): readonly BackendHealthIndicator[] {
    this.found ??= this.discover();
    return this.found;
  }

  private discover(): BackendHealthIndicator[] {
    const indicators = markedProviders<BackendHealthIndicator>(
      this.discovery,
      this.reflector,
      BACKEND_HEALTH_INDICATOR,
      {
        role: (backend) => `the health indicator of ${backend}`,
        owner: (backend) => `backend ${backend}`,
        plural: 'health indicators',
        method: 'check',
      },
    );
    return [...indicators.values()];
  }
}
