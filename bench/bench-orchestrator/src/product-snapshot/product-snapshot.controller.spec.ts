import { Logger, Module } from '@nestjs/common';
import { databaseEnvironment } from '@libs/orchestrator/backends/database';
import { feastEnvironment } from '@libs/orchestrator/backends/feast';
import { modelEnvironment } from '@libs/orchestrator/backends/model';
import { configurationModule } from '@libs/core/config';
import { engineEnvironment, executionTrackingEnvironment } from '@libs/orchestrator/engine';
import { DownstreamError, loggingModule } from '@libs/core/http';
import { WORKSPACE_ROOT, failureOf, startService, type RunningService } from '@libs/core/testing';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { ProductModule } from '../product/product.module';
import { ProductSnapshotModule } from './product-snapshot.module';
import { ProductSnapshotComposite, SNAPSHOT_REVIEWS } from './product-snapshot.composite';
import {
  STAND_IN_DATA,
  STAND_IN_TOKEN,
  StandInCatalog,
  type CatalogRequest,
} from './catalog-stand-in.test-harness';

const YAML = '/catalog/product-snapshot';
const CODE = '/composites/product-snapshot';

interface Envelope {
  statusCode: number;
  source?: string;
  fields?: { field: string }[];
}
interface OpenApi {
  paths: Record<string, { get: { responses: Record<string, { content?: unknown }> } }>;
}

/** Every call began before the first one was answered. */
function overlapping(requests: CatalogRequest[]): boolean {
  const lastArrival = Math.max(...requests.map(({ arrivedAt }) => arrivedAt));
  const firstAnswer = Math.min(...requests.map(({ answeredAt }) => answeredAt ?? Infinity));
  return lastArrival < firstAnswer;
}

describe('the product and its snapshot, written in code and declared in YAML, over HTTP', () => {
  const catalog = new StandInCatalog();
  let directory: string;
  let service: RunningService;
  let requests = 0;
  const get = (path: string, requestId = `snapshot-${++requests}`, signal?: AbortSignal) =>
    fetch(`${service.url}${path}`, { headers: { 'x-request-id': requestId }, signal });

  beforeAll(async () => {
    await catalog.start();
    // The repository's own catalog configuration: the YAML endpoint under test is the real one.
    const config = join(WORKSPACE_ROOT, 'config');
    directory = await mkdtemp(join(tmpdir(), 'composites-config-'));
    for (const file of ['config.yaml', 'integrations', 'domains/catalog.yaml']) {
      await cp(join(config, file), join(directory, file), { recursive: true });
    }
    service = await startService(
      async () => {
        @Module({
          imports: [
            configurationModule({
              ...engineEnvironment,
              ...executionTrackingEnvironment,
              ...databaseEnvironment,
              ...feastEnvironment,
              ...modelEnvironment,
            }),
            loggingModule('composites-test'),
            ProductModule,
            ProductSnapshotModule,
          ],
        })
        class CompositesTestModule {}
        return CompositesTestModule;
      },
      {
        CONFIG_DIR: directory,
        CONFIG_WATCH: 'false',
        CATALOG_API_URL: catalog.url,
        CATALOG_API_TOKEN: STAND_IN_TOKEN,
      },
    );
  });
  afterAll(async () => {
    await service?.app.close();
    await catalog.stop();
    await rm(directory, { recursive: true, force: true });
  });
  afterEach(() => {
    catalog.holdMs = 100;
    jest.restoreAllMocks();
  });

  it('answers the same snapshot both ways', async () => {
    const [code, yaml] = await Promise.all([
      get(`${CODE}/prd-1?supplier_id=sup-1`),
      get(`${YAML}/prd-1?supplier_id=sup-1`),
    ]);
    expect(code.status).toBe(200);
    expect(yaml.status).toBe(200);
    const body: unknown = await code.json();
    expect(body).toEqual(await yaml.json());
    expect(body).toEqual({
      product: STAND_IN_DATA.product,
      supplier: STAND_IN_DATA.supplier,
      reviews: STAND_IN_DATA.reviews.slice(0, SNAPSHOT_REVIEWS),
    });
  });

  it('answers the one-call product as GET /products/{product_id} does, and its 404', async () => {
    const [code, yaml] = await Promise.all([get('/composites/product/prd-1'), get('/products/prd-1')]);
    expect([code.status, yaml.status]).toEqual([200, 200]);
    const body: unknown = await code.json();
    expect(body).toEqual(await yaml.json());
    expect(body).toEqual(STAND_IN_DATA.product);

    const missing = await get('/composites/product/prd-404');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Envelope).source).toBe('product');
  });

  it.each([
    ['in code', CODE],
    ['in YAML', YAML],
  ])('makes the three catalog calls at once %s', async (_way, route) => {
    const started = Date.now();
    expect((await get(`${route}/prd-1?supplier_id=sup-1`, `overlap${route}`)).status).toBe(200);
    const elapsed = Date.now() - started;

    const made = catalog.requestsOf(`overlap${route}`);
    expect(made.map(({ path }) => path).sort()).toEqual([
      '/products/prd-1',
      '/products/prd-1/reviews',
      '/suppliers/sup-1',
    ]);
    expect(overlapping(made)).toBe(true);
    // Each call is held 100 ms: one after another would take 300 ms at least.
    expect(elapsed).toBeLessThan(300);
  });

  it('fails the same way both ways, naming the call that failed', async () => {
    for (const [path, source] of [
      ['/prd-404?supplier_id=sup-1', 'product'],
      ['/prd-1?supplier_id=sup-404', 'supplier'],
    ]) {
      const [code, yaml] = await Promise.all([get(`${CODE}${path}`), get(`${YAML}${path}`)]);
      expect([code.status, yaml.status]).toEqual([404, 404]);
      const [codeEnvelope, yamlEnvelope] = (await Promise.all([code.json(), yaml.json()])) as Envelope[];
      expect(codeEnvelope).toMatchObject({ statusCode: 404, source });
      expect(yamlEnvelope).toMatchObject({ statusCode: 404, source });
    }
  });

  it('refuses an invalid id and a missing supplier_id both ways, naming the field', async () => {
    for (const route of [CODE, YAML]) {
      for (const [path, field] of [
        ['/prd_1?supplier_id=sup-1', 'product_id'],
        ['/prd-1', 'supplier_id'],
      ]) {
        const res = await get(`${route}${path}`);
        expect(res.status).toBe(400);
        expect(((await res.json()) as Envelope).fields?.map((invalid) => invalid.field)).toEqual([field]);
      }
    }
  });

  it('cancels its catalog calls when the client goes away, quietly', async () => {
    catalog.holdMs = 5_000;
    const errorLogs = jest.spyOn(Logger.prototype, 'error');
    const client = new AbortController();
    const answer = get(`${CODE}/prd-1?supplier_id=sup-1`, 'gone', client.signal).catch(() => 'aborted');
    while (catalog.requestsOf('gone').length < 3) await sleep(5);
    client.abort();
    expect(await answer).toBe('aborted');

    const made = catalog.requestsOf('gone');
    for (let i = 0; i < 200 && !made.every(({ abandoned }) => abandoned); i++) await sleep(5);
    expect(made.map(({ abandoned, answeredAt }) => ({ abandoned, answeredAt }))).toEqual([
      { abandoned: true, answeredAt: undefined },
      { abandoned: true, answeredAt: undefined },
      { abandoned: true, answeredAt: undefined },
    ]);
    // Nobody is left to answer: no 504 is logged for it.
    await sleep(20);
    expect(errorLogs).not.toHaveBeenCalled();
  });

  it("stops its calls when the caller's signal aborts, with a 504 naming the first call", async () => {
    catalog.holdMs = 5_000;
    const caller = new AbortController();
    const snapshot = firstValueFrom(
      service.app
        .get(ProductSnapshotComposite)
        .run({ productId: 'prd-1', supplierId: 'sup-1' }, { requestId: 'aborted', signal: caller.signal }),
    );
    while (catalog.requestsOf('aborted').length < 3) await sleep(5);
    caller.abort(new Error('the client went away'));

    const failure = await failureOf<DownstreamError>(snapshot);
    expect(failure).toBeInstanceOf(DownstreamError);
    expect(failure).toMatchObject({ status: 504, source: 'product' });
    expect(failure.message).toMatch(/product \(catalog.get_product\) was cancelled: the client went away/);
    const made = catalog.requestsOf('aborted');
    for (let i = 0; i < 200 && !made.every(({ abandoned }) => abandoned); i++) await sleep(5);
    expect(made.every(({ abandoned, answeredAt }) => abandoned && answeredAt === undefined)).toBe(true);
  });

  it('documents the route, its errors in the envelope', async () => {
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as OpenApi;
    const { responses } = openApi.paths[`${CODE}/{product_id}`].get;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '404', '502', '503', '504']);
    expect(responses['504'].content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelopeDto' } },
    });
  });
});
