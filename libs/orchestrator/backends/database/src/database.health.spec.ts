import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { unusedPort } from '@libs/core/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseConnections } from './database.connections';
import { DatabaseHealthIndicator } from './database.health';

describe('DatabaseHealthIndicator', () => {
  const directory = mkdtempSync(join(tmpdir(), 'database-health-'));
  const connections = new DatabaseConnections(new ConfigService({ DATA_DIR: directory }));
  const indicatorWith = (required: boolean) =>
    new DatabaseHealthIndicator(
      new HealthIndicatorService(),
      connections,
      new ConfigService({ DATABASE_REQUIRED: required, DATABASE_HEALTH_TIMEOUT_MS: 2_000 }),
    );

  afterAll(async () => {
    await connections.onApplicationShutdown();
    rmSync(directory, { recursive: true, force: true });
  });

  it('is up with no connection declared, and probes each declared one', async () => {
    expect(await indicatorWith(true).check()).toEqual({
      database: { status: 'up', required: true, connections: {} },
    });

    connections.declare({ main: { type: 'sqlite' } });
    expect(await indicatorWith(true).check()).toEqual({
      database: {
        status: 'up',
        required: true,
        connections: { main: { type: 'sqlite', available: true, responseTimeMs: expect.any(Number) } },
      },
    });
  });

  it('is down when a required connection does not answer, and up but flagged when not required', async () => {
    const port = await unusedPort();
    connections.declare({
      main: { type: 'sqlite' },
      warehouse: { type: 'postgres', host: '127.0.0.1', port, username: 'postgres', database: 'postgres' },
    });

    const required = await indicatorWith(true).check();
    expect(required['database']).toMatchObject({
      status: 'down',
      connections: {
        main: { available: true },
        warehouse: { type: 'postgres', available: false, message: expect.stringContaining('ECONNREFUSED') },
      },
    });
    expect((await indicatorWith(false).check())['database']).toMatchObject({
      status: 'up',
      required: false,
      connections: { warehouse: { available: false } },
    });
  });

  it('closes the connections a new configuration no longer declares', async () => {
    connections.declare({ main: { type: 'sqlite' } });
    const dataSource = await connections.dataSourceFor('main', { type: 'sqlite' });
    expect(dataSource.isInitialized).toBe(true);

    connections.declare({});
    await new Promise((resolve) => setImmediate(resolve));
    expect(dataSource.isInitialized).toBe(false);
    expect(await indicatorWith(true).check()).toEqual({
      database: { status: 'up', required: true, connections: {} },
    });
  });
});
