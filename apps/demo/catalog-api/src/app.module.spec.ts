import { commonEnvironment } from '@libs/core/config';
import { undocumentedVariables, startService, type RunningService } from '@libs/core/testing';
import { environment } from './environment';
import { catalogDocumentation } from '@libs/demo/catalog';

describe('catalog-api over HTTP', () => {
  let service: RunningService;
  const get = (
    path: string,
    token: string | null = 'demo-catalog-token',
    headers: Record<string, string> = {},
  ) =>
    fetch(`${service.url}${path}`, {
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    });

  beforeAll(async () => {
    // The default token is what `npm start` gives the orchestrator when none is set.
    delete process.env['CATALOG_API_TOKEN'];
    service = await startService(
      async () => (await import('./app.module')).AppModule,
      {},
      {
        documentExtension: () => catalogDocumentation,
      },
    );
  });
  afterAll(() => service.app.close());

  it('refuses a request without the bearer token in the error envelope', async () => {
    const res = await get('/products/prd-1001', null, { 'x-request-id': 'req-no-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="catalog-api"');
    expect(await res.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'A bearer token is required: Authorization: Bearer <token>',
      requestId: 'req-no-token',
    });
  });

  it('refuses a wrong token, and a token sent under another scheme', async () => {
    const wrong = await get('/stock/MUG-4-SAND', 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await wrong.json()).toMatchObject({ statusCode: 401, message: 'The bearer token is not valid' });
    const basic = await get('/stock/MUG-4-SAND', null, { authorization: 'Basic demo-catalog-token' });
    expect(basic.status).toBe(401);
  });

  it('answers a product wrapped in data', async () => {
    const res = await get('/products/prd-1001');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: {
        id: 'prd-1001',
        name: 'Oak Desk Lamp',
        description: expect.any(String),
        category: 'lighting',
        supplier_id: 'sup-nordlys',
        price: 89,
        currency: 'EUR',
        variants: [
          { sku: 'LMP-OAK-WHT', name: 'White linen shade' },
          { sku: 'LMP-OAK-BLK', name: 'Black linen shade' },
        ],
      },
    });
  });

  it('answers a supplier wrapped in data', async () => {
    const res = await get('/suppliers/sup-nordlys');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: {
        id: 'sup-nordlys',
        name: 'Nordlys Lighting AB',
        country: 'SE',
        email: 'orders@nordlys.example',
        phone: expect.any(String),
        lead_time_days: 6,
      },
    });
  });

  it("answers a product's latest reviews, as many as the limit asks", async () => {
    const res = await get('/products/prd-1001/reviews?limit=2');
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { id: string; rating: number; text: string }[] };
    expect(data.map((review) => review.id)).toEqual(['rev-5001', 'rev-5002']);
    expect(data[0]).toMatchObject({ product_id: 'prd-1001', author: 'Maria L.', rating: 5 });
    expect(data[1].text).toMatch(/broke/);

    const all = (await (await get('/products/prd-1001/reviews')).json()) as { data: unknown[] };
    expect(all.data).toHaveLength(4);
    expect(await (await get('/products/prd-1001/reviews?limit=0')).json()).toEqual({ data: [] });
    expect(await (await get('/products/prd-1006/reviews?limit=3')).json()).toEqual({ data: [] });
  });

  it('refuses a limit that is not an integer from 0 to 50, listing the field', async () => {
    for (const limit of ['three', '-1', '51', '2.5']) {
      const res = await get(`/products/prd-1001/reviews?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: 400, fields: [{ field: 'limit' }] });
    }
  });

  it('answers the stock of a sku wrapped in data', async () => {
    const res = await get('/stock/LMP-OAK-WHT');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { sku: 'LMP-OAK-WHT', available: 14 } });
  });

  it('answers unknown ids with 404 in the error envelope', async () => {
    const cases: [string, string][] = [
      ['/products/prd-9999', 'The catalog has no product prd-9999'],
      ['/products/prd-9999/reviews?limit=3', 'The catalog has no product prd-9999'],
      ['/suppliers/sup-hollow', 'The catalog has no supplier sup-hollow'],
      ['/stock/NO-SUCH-SKU', 'The catalog has no sku NO-SUCH-SKU'],
    ];
    for (const [path, message] of cases) {
      const res = await get(path, 'demo-catalog-token', { 'x-request-id': 'req-404' });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message,
        requestId: 'req-404',
      });
    }
  });

  it('reports its health without a token', async () => {
    const res = await get('/health', null);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: { catalog: { status: 'up', products: 6, suppliers: 4, reviews: 14, skus: 12 } },
    });
  });

  it('documents its routes and their bearer token', async () => {
    const openApi = (await (await get('/docs-json', null)).json()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    expect(Object.keys(openApi.paths).sort()).toEqual([
      '/health',
      '/products/{product_id}',
      '/products/{product_id}/reviews',
      '/stock/{sku}',
      '/suppliers/{supplier_id}',
    ]);
    expect(openApi.paths['/stock/{sku}'].get.security).toEqual([{ 'catalog-token': [] }]);
    expect(openApi.paths['/health'].get.security).toBeUndefined();
    expect(openApi.components.securitySchemes).toEqual({
      'catalog-token': expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });
});

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...environment })).toEqual([]);
  });
});
