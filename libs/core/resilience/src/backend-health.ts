import { SetMetadata } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { displayUrl, type DownstreamConfig } from './downstream.config';

export const BACKEND_HEALTH_INDICATOR = 'orchestrator:backend-health-indicator';

/** What `/health` tells of one downstream's settings: enough to diagnose, never a secret. */
export type DownstreamSettings = Record<string, unknown>;

/**
 * One backend's part of the orchestrator's health: the health module runs every indicator it
 * finds marked with `@HealthIndicatorFor`, so that it imports no backend.
 */
export interface BackendHealthIndicator {
  /** The backend's entries of `/health` and `/health/ready`. */
  check(): Promise<HealthIndicatorResult>;
  /**
   * The settings of the service the backend calls, under that service's name (`text-service`),
   * for `/health`'s `configuration.services`; none for a backend whose downstreams the YAML
   * configuration declares (the databases).
   */
  settings?(): { service: string; settings: DownstreamSettings };
}

/** Marks a provider as the `BackendHealthIndicator` of `backend`. */
export const HealthIndicatorFor = (backend: string) => SetMetadata(BACKEND_HEALTH_INDICATOR, backend);

/** A downstream's settings as `/health` shows them: its URL's credentials masked. */
export const downstreamSettingsOf = ({
  url,
  required,
  responseMaxBytes,
  resilience,
}: DownstreamConfig): DownstreamSettings => ({
  url: displayUrl(url),
  required,
  responseMaxBytes,
  ...resilience,
});
