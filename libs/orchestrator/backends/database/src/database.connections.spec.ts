import { ConfigService } from '@nestjs/config';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseConnections } from './database.connections';

describe('DatabaseConnections', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'database-connections-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps one DataSource per definition, makes a new one when it changes, closes all on shutdown', async () => {
    const connections = new DatabaseConnections(new ConfigService());
    const first = await connections.dataSourceFor('main', {
      type: 'sqlite',
      path: join(directory, 'a.sqlite'),
    });
    expect(
      await connections.dataSourceFor('main', { type: 'sqlite', path: join(directory, 'a.sqlite') }),
    ).toBe(first);
    const changed = await connections.dataSourceFor('main', {
      type: 'sqlite',
      path: join(directory, 'b.sqlite'),
    });
    expect(changed).not.toBe(first);
    await new Promise((done) => setImmediate(done));
    expect(first.isInitialized).toBe(false);
    await connections.onApplicationShutdown();
    expect(changed.isInitialized).toBe(false);
  });

  it('puts a SQLite file without a path under DATA_DIR, creating the directory', async () => {
    const dataDirectory = join(directory, 'nested', 'data');
    const connections = new DatabaseConnections(new ConfigService({ DATA_DIR: dataDirectory }));
    await connections.dataSourceFor('shop', { type: 'sqlite' });
    expect(existsSync(join(dataDirectory, 'shop.sqlite'))).toBe(true);
    await connections.onApplicationShutdown();
  });
});
