import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { HealthIndicatorFor, type BackendHealthIndicator } from '@libs/core/resilience';
import { BackendHealthRegistry } from './backend-health.registry';

@Injectable()
@HealthIndicatorFor('queue')
class QueueHealth implements BackendHealthIndicator {
  check() {
    return Promise.resolve({ queue: { status: 'up' as const } });
  }
}

@Injectable()
@HealthIndicatorFor('cache')
class CacheHealth extends QueueHealth {}

/** Backends live in modules of their own, which the registry never imports; one is exported twice. */
@Module({ providers: [QueueHealth], exports: [QueueHealth] })
class QueueModule {}

@Module({ imports: [QueueModule], exports: [QueueModule], providers: [CacheHealth] })
class CacheModule {}

async function registryWith(...imports: (new () => unknown)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule, ...imports],
    providers: [BackendHealthRegistry],
  }).compile();
  return moduleRef.get(BackendHealthRegistry);
}

describe('BackendHealthRegistry', () => {
  it('finds each backend’s indicator once, in every module of the application', async () => {
    const registry = await registryWith(QueueModule, CacheModule);

    expect(registry.indicators).toEqual([expect.any(QueueHealth), expect.any(CacheHealth)]);
    expect(registry.indicators.map((indicator) => indicator.constructor)).toEqual([QueueHealth, CacheHealth]);
  });
});
