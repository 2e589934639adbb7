import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { displayUrl } from './downstream.config';
import type { DownstreamClient } from './downstream.client';
import { toDownstreamError } from './failure';

/**
 * The Terminus result for one downstream service: its URL, whether it is required and how
 * fast it answered. A service that is not required is reported unavailable without failing
 * the whole check. `healthPath` is for services whose health route is not `/health`.
 */
export async function checkDownstream(
  indicators: HealthIndicatorService,
  client: DownstreamClient,
  healthPath?: string,
): Promise<HealthIndicatorResult> {
  const { name, url, required } = client.config;
  const indicator = indicators.check(name);
  const details = { url: displayUrl(url), required };
  try {
    const responseTimeMs = await client.probe(healthPath);
    return indicator.up({ ...details, available: true, responseTimeMs });
  } catch (error) {
    const failure = { ...details, available: false, message: toDownstreamError(name, error).message };
    return required ? indicator.down(failure) : indicator.up(failure);
  }
}
