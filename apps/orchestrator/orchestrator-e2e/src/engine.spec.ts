import type { ErrorEnvelopeDto } from '@libs/core/http';
import { unusedPortUrl } from '@libs/core/testing';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG_API_TOKEN, RunningApp, startApp, stopApps } from './support/apps';
import { type ConfigDirectory, writeConfigDirectory } from './support/config-directory';
import { seedDemoDatabase } from './support/customers';
import {
  EXAMPLE_CONFIG_DIR,
  RECORD_HEADERS,
  type ExecutionRecord,
  type SourceTrace,
  startOrchestratorFor,
} from './support/engine';
import { getJson, postJson } from './support/http';
import { HEARD_KEYWORD, HEARD_WORDS, SPOKEN_PHRASE, postVoiceFeedback, speak } from './support/speech';

/** `GET /catalog/get-product-overview/:product_id` of `config/domains/catalog.yaml`. */
interface ProductOverview {
  id: string;
  name: string;
  title: string;
  first_variant: string;
  supplier: { id: string; name: string } | null;
  reviews: { rating: number; text: string }[];
  stock: { sku: string; available: number }[];
  in_stock: boolean;
  _meta?: { execution_id: string; degraded: string[]; sources?: SourceTrace[] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The example configuration served by the built orchestrator, its `api` sources calling the
 * built demo catalog. Product ids are those of `libs/demo/catalog/src/catalog.data.ts`: prd-1005
 * is sold out, prd-1006's supplier is not in the catalog and it has no reviews. Each test asks
 * for another product, because the overview caches its product for 30 s.
 */
describe('the example catalog endpoints, through the api adapter and the demo catalog', () => {
  let catalog: RunningApp;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    catalog = await startApp('catalog-api');
    orchestrator = await startOrchestratorFor(catalog);
  });
  afterAll(() => stopApps(orchestrator, catalog));

  // With the token that reads traces: some ask for ?_trace=true.
  const overview = (query: string) =>
    getJson<ProductOverview>(`${orchestrator.url}/catalog/get-product-overview/${query}`, RECORD_HEADERS);

  it('GET /products/:product_id answers the catalog product as it is', async () => {
    const direct = await getJson<{ data: unknown }>(`${catalog.url}/products/prd-1001`, {
      authorization: `Bearer ${CATALOG_API_TOKEN}`,
    });
    expect(direct.status).toBe(200);

    const { status, headers, body } = await getJson(`${orchestrator.url}/products/prd-1001`);

    expect(status).toBe(200);
    expect(body).toEqual(direct.body.data);
    expect(body).toMatchObject({ id: 'prd-1001', name: 'Oak Desk Lamp', supplier_id: 'sup-nordlys' });
    expect(headers.get('x-execution-id')).toMatch(UUID);
    expect(headers.get('x-config-version')).toMatch(/^[0-9a-f]{12}$/);
    expect(headers.get('x-degraded-sources')).toBeNull();
  });

  it('GET /catalog/get-product-overview/:product_id?reviews=2 maps the product, its supplier, two reviews and the stock of each variant', async () => {
    const { status, headers, body } = await overview('prd-1001?reviews=2');

    expect(status).toBe(200);
    expect(headers.get('x-degraded-sources')).toBeNull();
    expect(body).toEqual({
      id: 'prd-1001',
      name: 'Oak Desk Lamp',
      title: 'Oak Desk Lamp by Nordlys Lighting AB',
      first_variant: 'LMP-OAK-WHT',
      supplier: expect.objectContaining({ id: 'sup-nordlys', name: 'Nordlys Lighting AB', country: 'SE' }),
      // The reviews' transform keeps only the rating and the text, newest first.
      reviews: [
        { rating: 5, text: expect.stringContaining('Absolutely love this lamp') },
        { rating: 2, text: expect.stringContaining('The switch broke') },
      ],
      // One call per variant (foreach), in the variants' order.
      stock: [
        { sku: 'LMP-OAK-WHT', available: 14 },
        { sku: 'LMP-OAK-BLK', available: 0 },
      ],
      // The endpoint's transform: some variant is available.
      in_stock: true,
    });
  });

  it('gives in_stock false for a product sold out in every variant, and no reviews with reviews=0', async () => {
    const { status, body } = await overview('prd-1005?reviews=0');

    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'prd-1005',
      title: 'Ceramic Table Lamp by Alba Ceramics S.L.',
      reviews: [],
      stock: [
        { sku: 'LMP-CER-BLUE', available: 0 },
        { sku: 'LMP-CER-WHITE', available: 0 },
      ],
      in_stock: false,
    });
  });

  it('answers 200 with supplier null, X-Degraded-Sources and _meta.degraded when the supplier is unknown, and records it', async () => {
    const { status, headers, body } = await overview('prd-1006');

    expect(status).toBe(200);
    expect(headers.get('x-degraded-sources')).toBe('supplier');
    expect(body).toMatchObject({
      id: 'prd-1006',
      supplier: null,
      reviews: [],
      stock: [{ sku: 'BRD-WAL-45', available: 5 }],
      in_stock: true,
      _meta: { execution_id: headers.get('x-execution-id'), degraded: ['supplier'] },
    });

    const record = await getJson<ExecutionRecord>(
      `${orchestrator.url}/executions/${body._meta?.execution_id}`,
      RECORD_HEADERS,
    );
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ status: 'degraded', statusCode: 200, degraded: ['supplier'] });
    expect(record.body.sources.find(({ name }) => name === 'supplier')).toMatchObject({
      status: 'degraded',
      params: { supplier_id: 'sup-hollow' },
      error: {
        statusCode: 404,
        message: 'supplier: catalog rejected the request (HTTP 404)',
        // What the catalog said is kept for whoever reads the record, not told to the client.
        detail: expect.stringContaining('sup-hollow'),
      },
    });
  });

  it.each(['/products/prd-9999', '/catalog/get-product-overview/prd-9999'])(
    'answers GET %s for an unknown product with a 404 envelope naming the source',
    async (path) => {
      const { status, body } = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}${path}`, {
        'x-request-id': 'e2e-unknown-product',
      });

      expect(status).toBe(404);
      expect(body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        source: 'product',
        message: 'product: catalog rejected the request (HTTP 404)',
        requestId: 'e2e-unknown-product',
      });
    },
  );

  it('returns the execution trace in _meta with ?_trace=true', async () => {
    const { status, headers, body } = await overview('prd-1002?reviews=1&_trace=true');

    expect(status).toBe(200);
    expect(body.reviews).toHaveLength(1);
    expect(body._meta).toMatchObject({ execution_id: headers.get('x-execution-id'), degraded: [] });
    expect(body._meta?.sources).toEqual([
      expect.objectContaining({
        name: 'product',
        type: 'api',
        operation: 'catalog.get_product',
        params: { product_id: 'prd-1002' },
        status: 'ok',
        attempts: 1,
        cacheHit: false,
      }),
      expect.objectContaining({ name: 'supplier', params: { supplier_id: 'sup-alba' }, status: 'ok' }),
      expect.objectContaining({
        name: 'reviews',
        params: { product_id: 'prd-1002', limit: 1 },
        status: 'ok',
      }),
      expect.objectContaining({
        name: 'stock',
        params: { foreach: [{ sku: 'MUG-4-SAND' }, { sku: 'MUG-4-SLATE' }] },
        status: 'ok',
      }),
    ]);
  });

  it('keeps the record of each execution at GET /executions/<X-Execution-Id>', async () => {
    const served = await getJson(`${orchestrator.url}/catalog/get-product-overview/prd-1003?reviews=1`, {
      'x-request-id': 'e2e-recorded',
    });
    const cached = await overview('prd-1003?reviews=0');
    const failed = await getJson(`${orchestrator.url}/products/prd-9999`);
    const recordOf = async ({ headers }: { headers: Headers }) => {
      const { status, body } = await getJson<ExecutionRecord>(
        `${orchestrator.url}/executions/${headers.get('x-execution-id')}`,
        RECORD_HEADERS,
      );
      expect(status).toBe(200);
      return body;
    };

    expect(await recordOf(served)).toMatchObject({
      id: served.headers.get('x-execution-id'),
      requestId: 'e2e-recorded',
      endpoint: 'catalog.get_product_overview',
      configVersion: served.headers.get('x-config-version'),
      status: 'ok',
      statusCode: 200,
      degraded: [],
      sources: [
        { name: 'product', status: 'ok', attempts: 1, cacheHit: false },
        { name: 'supplier', status: 'ok', attempts: 1 },
        { name: 'reviews', status: 'ok', attempts: 1 },
        { name: 'stock', status: 'ok' },
      ],
    });
    expect(await recordOf(cached)).toMatchObject({
      status: 'ok',
      sources: [
        { name: 'product', status: 'ok', attempts: 0, cacheHit: true },
        { name: 'supplier', status: 'ok' },
        { name: 'reviews', status: 'skipped' },
        { name: 'stock', status: 'ok' },
      ],
    });
    expect(await recordOf(failed)).toMatchObject({
      endpoint: 'catalog.get_product',
      status: 'failed',
      statusCode: 404,
      sources: [{ name: 'product', status: 'failed', attempts: 1, error: { statusCode: 404 } }],
    });
  });

  it('answers 400 listing every invalid parameter', async () => {
    const { status, body } = await getJson<ErrorEnvelopeDto>(
      `${orchestrator.url}/catalog/get-product-overview/${encodeURIComponent('prd 1001!')}?reviews=99`,
    );

    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.fields?.map(({ field }) => field).sort()).toEqual(['product_id', 'reviews']);
  });
});

/** An endpoint of the demo catalog's product, with no `request` block: its references declare it. */
const productEndpoint = (extra: Record<string, unknown> = {}) => ({
  ...extra,
  data_sources: [
    {
      name: 'product',
      type: 'api',
      operation: 'catalog.get_product',
      params: { product_id: '$request.product_id' },
    },
  ],
  response_mapping: { id: '$product.id', name: '$product.name' },
});

interface OpenApiOperation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: { type: string } }[];
}

/**
 * The seed's form: endpoints without a `request` block, and two domains that both name one
 * `get_product`, over the example's catalog integration and the demo catalog.
 */
describe('endpoints without a request block, and one name in two domains', () => {
  let catalog: RunningApp;
  let config: ConfigDirectory;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    config = await writeConfigDirectory({
      domains: {
        shop: { endpoints: { get_product: productEndpoint() } },
        archive: { endpoints: { get_product: productEndpoint({ path: '/archive/products/{product_id}' }) } },
      },
    });
    await copyFile(
      join(EXAMPLE_CONFIG_DIR, 'integrations', 'catalog.yaml'),
      join(config.directory, 'integrations', 'catalog.yaml'),
    );
    catalog = await startApp('catalog-api');
    orchestrator = await startOrchestratorFor(catalog, { CONFIG_DIR: config.directory });
  });
  afterAll(async () => {
    await stopApps(orchestrator, catalog);
    await config.remove();
  });

  it('serves both get_product endpoints, the query parameter at one, the path parameter at the other, and records them apart', async () => {
    const shop = await getJson(`${orchestrator.url}/shop/get-product?product_id=prd-1001`);
    const archive = await getJson(`${orchestrator.url}/archive/products/prd-1002`);

    expect([shop.status, archive.status]).toEqual([200, 200]);
    expect(shop.body).toEqual({ id: 'prd-1001', name: 'Oak Desk Lamp' });
    expect(archive.body).toMatchObject({ id: 'prd-1002' });
    const endpointOf = async ({ headers }: { headers: Headers }) =>
      (
        await getJson<ExecutionRecord>(
          `${orchestrator.url}/executions/${headers.get('x-execution-id')}`,
          RECORD_HEADERS,
        )
      ).body.endpoint;
    expect([await endpointOf(shop), await endpointOf(archive)]).toEqual([
      'shop.get_product',
      'archive.get_product',
    ]);
  });

  it('answers 400 naming a missing parameter, and one given twice', async () => {
    const missing = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/shop/get-product`);
    const twice = await getJson<ErrorEnvelopeDto>(
      `${orchestrator.url}/shop/get-product?product_id=prd-1001&product_id=prd-1002`,
    );

    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      fields: [{ field: 'product_id', errors: ['product_id is required'] }],
    });
    expect(missing.body.message).toContain('product_id');
    expect(twice.status).toBe(400);
    expect(twice.body.fields).toEqual([
      { field: 'product_id', errors: [expect.stringContaining('product_id is given more than once')] },
    ]);
  });

  it('documents the parameter in /docs-json, each endpoint under an operation id of its own', async () => {
    const { status, body } = await getJson<{ paths: Record<string, { get: OpenApiOperation }> }>(
      `${orchestrator.url}/docs-json`,
    );

    expect(status).toBe(200);
    const shop = body.paths['/shop/get-product'].get;
    const archive = body.paths['/archive/products/{product_id}'].get;
    expect(shop.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'product_id',
          in: 'query',
          required: true,
          schema: { type: 'string' },
        }),
      ]),
    );
    expect(archive.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'product_id', in: 'path', required: true })]),
    );
    expect([shop.operationId, archive.operationId]).toEqual(['shop.get_product', 'archive.get_product']);
  });
});

describe('the example catalog endpoints when the catalog fails', () => {
  let catalog: RunningApp | undefined;
  let orchestrator: RunningApp | undefined;

  afterEach(async () => {
    await stopApps(orchestrator, catalog);
    orchestrator = catalog = undefined;
  });

  it('answers 503 naming the source once the catalog has stopped', async () => {
    catalog = await startApp('catalog-api');
    orchestrator = await startOrchestratorFor(catalog);
    expect((await getJson(`${orchestrator.url}/products/prd-1001`)).status).toBe(200);

    await catalog.stop();
    const { status, body } = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/products/prd-1001`);

    expect(status).toBe(503);
    expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', source: 'product' });
    expect(body.message).toContain('catalog is unavailable');
  });

  it("answers 504 naming the source when the catalog is slower than the integration's timeout", async () => {
    const integration = await readFile(join(EXAMPLE_CONFIG_DIR, 'integrations', 'catalog.yaml'), 'utf8');
    const timeoutMs = Number(/^\s+timeout_ms: (\d+)$/m.exec(integration)?.[1]);
    const retries = Number(/^\s+retries: (\d+)$/m.exec(integration)?.[1]);
    // Every attempt times out, and the answer comes long after the last one has given up.
    const delayMs = (retries + 1) * timeoutMs + 4_000;
    catalog = await startApp('catalog-api', { CATALOG_API_DELAY_MS: String(delayMs) });
    orchestrator = await startOrchestratorFor(catalog);

    const started = performance.now();
    const { status, body } = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/products/prd-1001`);
    const elapsedMs = performance.now() - started;

    expect(status).toBe(504);
    expect(body).toMatchObject({ statusCode: 504, error: 'Gateway Timeout', source: 'product' });
    expect(body.message).toContain(`catalog did not answer within ${timeoutMs} ms`);
    expect(elapsedMs).toBeGreaterThanOrEqual((retries + 1) * timeoutMs);
    expect(elapsedMs).toBeLessThan(delayMs);
  });
});

describe('the example text and speech endpoints, with the real text and transcription services', () => {
  let textService: RunningApp;
  let transcriptionService: RunningApp;
  let orchestrator: RunningApp;
  let speech: Buffer;
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'speech-e2e-'));
    const databaseUrl = `sqlite:${join(directory, 'main.sqlite')}`;
    [textService, transcriptionService, speech] = await Promise.all([
      startApp('text-service'),
      startApp('transcription-service'),
      speak(SPOKEN_PHRASE),
      seedDemoDatabase(databaseUrl),
    ]);
    orchestrator = await startOrchestratorFor(
      { url: await unusedPortUrl() },
      {
        TEXT_SERVICE_URL: textService.url,
        TRANSCRIPTION_SERVICE_URL: transcriptionService.url,
        DATABASE_URL: databaseUrl,
      },
    );
  });
  afterAll(async () => {
    await stopApps(orchestrator, textService, transcriptionService);
    await rm(directory, { recursive: true, force: true });
  });

  it('POST /feedback/analyze-feedback gives the sentiment and keywords of a negative text', async () => {
    const { status, body } = await postJson<{
      sentiment: string;
      score: number;
      keywords: { term: string }[];
    }>(`${orchestrator.url}/feedback/analyze-feedback`, {
      text: 'Two of the four mugs arrived cracked and the box was badly damaged. Terrible packaging.',
      email: 'lukas@example.com',
    });

    expect(status).toBe(200);
    expect(body.sentiment).toBe('negative');
    expect(body.score).toBeLessThan(0);
    expect(body.keywords.map(({ term }) => term)).toEqual(expect.arrayContaining(['mugs', 'packaging']));
  });

  it('POST /feedback/analyze-feedback answers 400 listing every invalid field', async () => {
    const { status, body } = await postJson<ErrorEnvelopeDto>(
      `${orchestrator.url}/feedback/analyze-feedback`,
      {
        language: 'fr',
        email: 'not an address',
      },
    );

    expect(status).toBe(400);
    expect(body.fields?.map(({ field }) => field).sort()).toEqual(['email', 'language', 'text']);
  });

  it("POST /customers/:customer_id/voice-feedback transcribes a customer's note, then analyses what they said", async () => {
    const response = await postVoiceFeedback(orchestrator.url, 'cus-1001', speech);
    const body = (await response.json()) as {
      customer: { id: string; name: string; segment: string };
      said: string;
      duration: number;
      sentiment: string;
      keywords: { term: string }[];
    };

    expect(response.status).toBe(200);
    expect(body.customer).toEqual({ id: 'cus-1001', name: expect.any(String), segment: 'premium' });
    expect(body.said.split(/\s+/)).toEqual(expect.arrayContaining(HEARD_WORDS));
    expect(body.duration).toBeGreaterThan(1);
    expect(body.sentiment).toBe('positive');
    expect(body.keywords.map(({ term }) => term)).toContain(HEARD_KEYWORD);
  });

  it('POST /customers/:customer_id/voice-feedback answers 404 for an unknown customer', async () => {
    const form = new FormData();
    form.append('file', new Blob([speech], { type: 'audio/wav' }), 'speech.wav');
    const response = await fetch(`${orchestrator.url}/customers/cus-9999/voice-feedback`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorEnvelopeDto).message).toMatch(/^customer: /);
  });
});
