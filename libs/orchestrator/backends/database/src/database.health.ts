import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorFor, type BackendHealthIndicator } from '@libs/core/resilience';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { readDatabaseHealthConfig, type DatabaseHealthConfig } from './database.config';
import type { DatabaseConnection } from './database-configuration.schema';
import { DatabaseConnections } from './database.connections';

export const DATABASE_HEALTH_KEY = 'database';

interface ConnectionHealth {
  type: string;
  available: boolean;
  responseTimeMs?: number;
  message?: string;
}

/** Every connection the serving configuration declares answers `SELECT 1` within the timeout. */
@Injectable()
@HealthIndicatorFor('database')
export class DatabaseHealthIndicator implements BackendHealthIndicator {
  private readonly healthConfig: DatabaseHealthConfig;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly connections: DatabaseConnections,
    config: ConfigService,
  ) {
    this.healthConfig = readDatabaseHealthConfig(config);
  }

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(DATABASE_HEALTH_KEY);
    const probes = await Promise.all(
      Object.entries(this.connections.declared).map(
        async ([name, connection]) => [name, await this.probe(name, connection)] as const,
      ),
    );
    const details = { required: this.healthConfig.required, connections: Object.fromEntries(probes) };
    const healthy = probes.every(([, health]) => health.available);
    return healthy || !this.healthConfig.required ? indicator.up(details) : indicator.down(details);
  }

  private async probe(name: string, connection: DatabaseConnection): Promise<ConnectionHealth> {
    const { type } = connection;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.healthConfig.timeoutMs} ms`)),
        this.healthConfig.timeoutMs,
      );
    });
    try {
      await Promise.race([
        this.connections.dataSourceFor(name, connection).then((dataSource) => dataSource.query('SELECT 1')),
        timedOut,
      ]);
      return { type, available: true, responseTimeMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { type, available: false, message: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
