import { Injectable, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { startFeatureModule, type RunningService } from '@libs/core/testing';
import { countHealthController } from './count-health.controller';

@Injectable()
class ShelfStore {
  books = 3;
  readers = 0;
}

const ShelfHealthController = countHealthController({
  indicator: 'shelf',
  summary: 'Up while the shelf holds books',
  store: ShelfStore,
  counts: (shelf: ShelfStore) => ({ books: shelf.books, readers: shelf.readers }),
  upWhile: 'books',
});

@Module({ imports: [TerminusModule], controllers: [ShelfHealthController], providers: [ShelfStore] })
class ShelfModule {}

describe('countHealthController over HTTP', () => {
  let service: RunningService;
  let store: ShelfStore;
  beforeAll(async () => {
    service = await startFeatureModule('demo-support', async () => ({
      module: ShelfModule,
      environment: {},
    }));
    store = service.app.get(ShelfStore);
  });
  afterAll(() => service.app.close());

  it('is up while the chosen count is above zero, with the counts as details', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: { shelf: { status: 'up', books: 3, readers: 0 } },
    });
  });

  it('is down once the chosen count is zero', async () => {
    store.books = 0;
    try {
      const res = await fetch(`${service.url}/health`);
      // A service's error envelope stands for the details of a failed check.
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    } finally {
      store.books = 3;
    }
  });

  it('documents the route under health with its summary', async () => {
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      paths: Record<string, { get: { tags: string[]; summary: string } }>;
    };
    expect(openApi.paths['/health'].get).toMatchObject({
      tags: ['health'],
      summary: 'Up while the shelf holds books',
    });
  });
});
