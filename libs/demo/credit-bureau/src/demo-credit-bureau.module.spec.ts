import type { RunningService } from '@libs/core/testing';
import { getWithApiKey, startCreditBureau } from './credit-bureau.test-harness';

const API_KEY = 'another-key';

describe('DemoCreditBureauModule over HTTP, with its own API key', () => {
  let service: RunningService;
  const get = (path: string, apiKey: string | null = API_KEY, headers: Record<string, string> = {}) =>
    getWithApiKey(service, path, apiKey, headers);

  beforeAll(async () => {
    service = await startCreditBureau({ CREDIT_BUREAU_API_KEY: API_KEY, CREDIT_BUREAU_DELAY_MS: '0' });
  });
  afterAll(() => service.app.close());

  it('refuses a request without the API key in the error envelope', async () => {
    const res = await get('/v1/credit-reports/cus-1001', null, { 'x-request-id': 'req-no-key' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'An API key is required: X-API-Key: <key>',
      requestId: 'req-no-key',
    });
  });

  it('refuses a wrong key, the default key once another is set, and the key as a bearer token', async () => {
    for (const res of [
      await get('/v1/credit-reports/cus-1001', 'not-the-key'),
      await get('/v1/credit-reports/cus-1001', 'demo-bureau-key'),
    ]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ statusCode: 401, message: 'The API key is not valid' });
    }
    const bearer = await get('/v1/credit-reports/cus-1001', null, { authorization: `Bearer ${API_KEY}` });
    expect(bearer.status).toBe(401);
  });

  it("answers a customer's credit report wrapped in data", async () => {
    const res = await get('/v1/credit-reports/cus-1001');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: {
        customer_id: 'cus-1001',
        score: 812,
        band: 'exceptional',
        open_credit_lines: 5,
        delinquencies_last_24m: 0,
        reported_at: '2026-10-31T06:00:00.000Z',
      },
    });
  });

  it('puts each demo customer in another band, derived from the score', async () => {
    const reports = await Promise.all(
      ['cus-1001', 'cus-1002', 'cus-1003', 'cus-1004'].map(async (id) => {
        const { data } = (await (await get(`/v1/credit-reports/${id}`)).json()) as {
          data: { score: number; band: string };
        };
        return [id, data.score, data.band];
      }),
    );
    expect(reports).toEqual([
      ['cus-1001', 812, 'exceptional'],
      ['cus-1002', 748, 'very_good'],
      ['cus-1003', 561, 'poor'],
      ['cus-1004', 655, 'fair'],
    ]);
  });

  it('answers a well-formed but unknown customer with 404 in the error envelope', async () => {
    const res = await get('/v1/credit-reports/cus-9999', API_KEY, { 'x-request-id': 'req-404' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The credit bureau has no report on customer cus-9999',
      requestId: 'req-404',
    });
  });

  it('refuses a malformed customer id with 400, listing the field', async () => {
    for (const id of ['1001', 'CUS-1001', 'cus-', 'cus-10a1', `cus-${'1'.repeat(29)}`, 'cus-1001%20']) {
      const res = await get(`/v1/credit-reports/${id}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: 400, fields: [{ field: 'customer_id' }] });
    }
  });

  it('checks the API key before the customer id', async () => {
    expect((await get('/v1/credit-reports/not-an-id', null)).status).toBe(401);
  });

  it('reports its health without a key', async () => {
    const res = await get('/health', null);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      details: { credit_bureau: { status: 'up', reports: 4 } },
    });
  });

  it('documents its routes and their API key header', async () => {
    const openApi = (await (await get('/docs-json', null)).json()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    expect(Object.keys(openApi.paths).sort()).toEqual(['/health', '/v1/credit-reports/{customer_id}']);
    expect(openApi.paths['/v1/credit-reports/{customer_id}'].get.security).toEqual([
      { 'credit-bureau-api-key': [] },
    ]);
    expect(openApi.paths['/health'].get.security).toBeUndefined();
    expect(openApi.components.securitySchemes).toEqual({
      'credit-bureau-api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
  });
});
