import { Test, type TestingModule } from '@nestjs/testing';
import { configurationModule } from '@libs/core/config';
import type { DownstreamError } from '@libs/core/http';
import type { SourceCall, ConfigurationSections, SourceDeclarationView } from '@libs/core/sources';
import { LocalHttpServer, failureOf, unusedPortUrl } from '@libs/core/testing';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { ApiSourceAdapter } from './api.adapter';
import { apiSection } from './api-integration.schema';
import { ApiModule } from './api.module';

interface ReceivedRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  body?: unknown;
  delayMs?: number;
}

/** An external API played by a local HTTP server: answers as each test scripts, records each request. */
class ExternalApiStandIn extends LocalHttpServer {
  readonly requests: ReceivedRequest[] = [];
  /** Requests whose connection closed before they were answered. */
  abandoned = 0;
  script: (request: ReceivedRequest) => Answer = () => ({ status: 200, body: {} });

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body };
      this.requests.push(request);
      const answer = this.script(request);
      const timer = setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      }, answer.delayMs ?? 0);
      res.on('close', () => {
        if (!res.writableEnded) {
          this.abandoned += 1;
          clearTimeout(timer);
        }
      });
    });
  }
}

const customer = { id: 'c-1', name: 'Ada' };

const integrationsFor = (url: string) => ({
  crm: {
    base_url: `${url}/api/v2/`,
    timeout_ms: 1_000,
    retries: 2,
    auth: { type: 'bearer', token_env: 'API_SPEC_CRM_TOKEN' },
    headers: { 'X-Client': 'orchestrator' },
    operations: {
      get_customer: {
        path: '/customers/{customer_id}',
        headers: { 'X-Tenant': '{tenant}' },
        response: 'data.customer',
        response_schema: {
          type: 'object',
          properties: { id: { type: 'string' }, name: { type: 'string' } },
        },
      },
      create_note: { method: 'POST', path: '/customers/{customer_id}/notes' },
      ping: { method: 'HEAD', path: '/ping' },
    },
  },
  catalog: {
    base_url: url,
    retries: 0,
    auth: { type: 'api_key', header: 'X-API-Key', key_env: 'API_SPEC_CATALOG_KEY' },
    operations: { get_product: { path: '/products/{sku}' } },
  },
  weather: {
    base_url: url,
    auth: { type: 'api_key', in: 'query', name: 'appid', key_env: 'API_SPEC_WEATHER_KEY' },
    operations: { forecast: { path: '/forecast', query: { q: '{city}', units: 'metric' } } },
  },
  unset: {
    base_url: url,
    auth: { type: 'bearer', token_env: 'API_SPEC_NEVER_SET' },
    operations: { get: { path: '/x' } },
  },
});

/** Sections as the loader gives them: the integrations compiled by the api section. */
const sectionsOf = (integrations: Record<string, unknown>): ConfigurationSections => {
  const { compiled, problems } = apiSection.compile(integrations);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return { settings: {}, compiled: { api: compiled } };
};

function callFor(
  sections: ConfigurationSections,
  operation: string,
  params: Record<string, unknown>,
  { deadlineInMs = 5_000, signal = new AbortController().signal } = {},
): SourceCall {
  return {
    source: 'profile',
    type: 'api',
    operation,
    params,
    context: {
      requestId: 'req-42',
      executionId: 'exec-1',
      signal,
      deadline: Date.now() + deadlineInMs,
      sections,
    },
  };
}

describe('ApiSourceAdapter against a stand-in external API', () => {
  const standIn = new ExternalApiStandIn();
  let moduleRef: TestingModule;
  let adapter: ApiSourceAdapter;
  let sections: ConfigurationSections;

  beforeAll(async () => {
    await standIn.start();
    Object.assign(process.env, {
      API_SPEC_CRM_TOKEN: 'crm-token',
      API_SPEC_CATALOG_KEY: 'catalog-key',
      API_SPEC_WEATHER_KEY: 'weather key&1',
    });
    moduleRef = await Test.createTestingModule({ imports: [configurationModule({}), ApiModule] }).compile();
    moduleRef.useLogger(false);
    adapter = moduleRef.get(ApiSourceAdapter);
    sections = sectionsOf(integrationsFor(standIn.url));
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
    standIn.abandoned = 0;
    standIn.script = () => ({ status: 200, body: { data: { customer } } });
  });

  const run = (call: SourceCall) => firstValueFrom(adapter.execute(call));

  it('calls the operation with its bearer token, headers and request id, and returns the selected part', async () => {
    await expect(
      run(callFor(sections, 'crm.get_customer', { customer_id: 'c-1', tenant: 'acme' })),
    ).resolves.toEqual(customer);
    const [request] = standIn.requests;
    expect(request).toMatchObject({ method: 'GET', url: '/api/v2/customers/c-1' });
    expect(request.headers).toMatchObject({
      authorization: 'Bearer crm-token',
      'x-client': 'orchestrator',
      'x-tenant': 'acme',
      'x-request-id': 'req-42',
    });
  });

  it('keeps a path injection attempt inside its path segment', async () => {
    await run(callFor(sections, 'crm.get_customer', { customer_id: '../admin?x=', tenant: 'acme' }));
    expect(standIn.requests[0].url).toBe('/api/v2/customers/..%2Fadmin%3Fx%3D');
  });

  it('refuses a path value of .. with a 400, without calling the API', async () => {
    const error = await failureOf<DownstreamError>(
      run(callFor(sections, 'crm.get_customer', { customer_id: '..' })),
    );
    expect(error).toMatchObject({ status: 400, kind: 'rejected', source: 'profile' });
    expect(standIn.requests).toHaveLength(0);
  });

  it('calls an operation named without its integration, the one that declares it', async () => {
    standIn.script = () => ({ status: 200, body: { sku: 'a-1' } });
    await expect(run(callFor(sections, 'get_product', { sku: 'a-1' }))).resolves.toEqual({ sku: 'a-1' });
    expect(standIn.requests.map(({ url }) => url)).toEqual(['/products/a-1']);
  });

  it('sends an API key in a header', async () => {
    standIn.script = () => ({ status: 200, body: { sku: 'a/1' } });
    await expect(run(callFor(sections, 'catalog.get_product', { sku: 'a/1' }))).resolves.toEqual({
      sku: 'a/1',
    });
    expect(standIn.requests[0].url).toBe('/products/a%2F1');
    expect(standIn.requests[0].headers['x-api-key']).toBe('catalog-key');
  });

  it('sends an API key in the query, URL-encoded with the templated query', async () => {
    await run(callFor(sections, 'weather.forecast', { city: 'São Paulo' }));
    expect(standIn.requests[0].url).toBe('/forecast?q=S%C3%A3o+Paulo&units=metric&appid=weather+key%261');
    expect(standIn.requests[0].headers['authorization']).toBeUndefined();
  });

  it('posts the params no template names as a JSON body, and never retries a POST', async () => {
    standIn.script = () => ({ status: 503, body: { message: 'busy' } });
    const error = await failureOf<DownstreamError>(
      run(callFor(sections, 'crm.create_note', { customer_id: 'c-1', text: 'called', tags: ['vip'] })),
    );
    expect(error).toMatchObject({ status: 502, source: 'profile' });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({ method: 'POST', url: '/api/v2/customers/c-1/notes' });
    expect(standIn.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(standIn.requests[0].body)).toEqual({ text: 'called', tags: ['vip'] });
  });

  it('passes a 404 on, naming the source and the integration', async () => {
    standIn.script = () => ({ status: 404, body: { message: 'no customer c-9' } });
    const error = await failureOf<DownstreamError>(
      run(callFor(sections, 'crm.get_customer', { customer_id: 'c-9', tenant: 'acme' })),
    );
    expect(error).toMatchObject({ status: 404, kind: 'rejected', source: 'profile' });
    expect(error.message).toBe('profile: crm rejected the request (HTTP 404)');
    expect(error.detail).toBe('no customer c-9');
    expect(standIn.requests).toHaveLength(1);
  });

  it('answers a 5xx with a 502 once the retries of an idempotent operation are spent', async () => {
    standIn.script = () => ({ status: 500, body: { message: 'boom' } });
    const error = await failureOf<DownstreamError>(
      run(callFor(sections, 'crm.get_customer', { customer_id: 'c-1', tenant: 'acme' })),
    );
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'profile' });
    expect(error.message).toBe('profile: crm failed with HTTP 500');
    expect(error.detail).toBe('boom');
    expect(standIn.requests).toHaveLength(3);
  });

  it('answers a body without the selected part with a 502', async () => {
    standIn.script = () => ({ status: 200, body: { data: {} } });
    const error = await failureOf<DownstreamError>(
      run(callFor(sections, 'crm.get_customer', { customer_id: 'c-1', tenant: 'acme' })),
    );
    expect(error).toMatchObject({ status: 502, source: 'profile' });
    expect(error.message).toBe('profile: crm answered without data.customer');
  });

  it('answers null for an empty body', async () => {
    standIn.script = () => ({ status: 200 });
    await expect(run(callFor(sections, 'crm.ping', {}))).resolves.toBeNull();
    expect(standIn.requests[0].method).toBe('HEAD');
  });

  it('gives up at the request deadline when it comes before the integration timeout: 504, the request cancelled', async () => {
    standIn.script = () => ({ status: 200, body: {}, delayMs: 2_000 });
    const started = Date.now();
    const error = await failureOf<DownstreamError>(
      run(callFor(sections, 'catalog.get_product', { sku: 'a' }, { deadlineInMs: 150 })),
    );
    expect(Date.now() - started).toBeLessThan(900);
    expect(error).toMatchObject({ status: 504, kind: 'timeout', source: 'profile' });
    expect(error.message).toMatch(
      /^profile \(catalog\.get_product\) did not answer within \d+ ms, the request's deadline$/,
    );
    await waitFor(() => standIn.abandoned === 1);
  });

  it('gives up at the integration timeout when it comes first: 504', async () => {
    standIn.script = () => ({ status: 200, body: {}, delayMs: 2_000 });
    const slow = sectionsOf({ catalog: { ...integrationsFor(standIn.url).catalog, timeout_ms: 100 } });
    const error = await failureOf<DownstreamError>(run(callFor(slow, 'catalog.get_product', { sku: 'a' })));
    expect(error).toMatchObject({ status: 504, kind: 'timeout', source: 'profile' });
    expect(error.message).toBe('profile: catalog did not answer within 100 ms');
  });

  it('cancels the call when its signal aborts', async () => {
    standIn.script = () => ({ status: 200, body: {}, delayMs: 2_000 });
    const controller = new AbortController();
    const outcome = failureOf<DownstreamError>(
      run(callFor(sections, 'catalog.get_product', { sku: 'a' }, { signal: controller.signal })),
    );
    await waitFor(() => standIn.requests.length === 1);
    controller.abort(new Error('the client went away'));
    const error = await outcome;
    expect(error).toMatchObject({ kind: 'timeout', source: 'profile' });
    expect(error.message).toBe('profile (catalog.get_product) was cancelled: the client went away');
    await waitFor(() => standIn.abandoned === 1);
  });

  it('answers 503 when its credential is not set at call time', async () => {
    const error = await failureOf<DownstreamError>(run(callFor(sections, 'unset.get', {})));
    expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'profile' });
    expect(error.message).toContain('API_SPEC_NEVER_SET');
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('ApiSourceAdapter when the API is down', () => {
  let moduleRef: TestingModule;
  let adapter: ApiSourceAdapter;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [configurationModule({}), ApiModule] }).compile();
    moduleRef.useLogger(false);
    adapter = moduleRef.get(ApiSourceAdapter);
  });
  afterAll(() => moduleRef.close());

  const down = async () => ({
    base_url: await unusedPortUrl(),
    retries: 0,
    operations: { get: { path: '/x' } },
  });
  const run = (sections: ConfigurationSections) =>
    failureOf<DownstreamError>(firstValueFrom(adapter.execute(callFor(sections, 'inventory.get', {}))));

  it('answers a refused connection with a 503 naming the source and the integration', async () => {
    const error = await run(sectionsOf({ inventory: await down() }));
    expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'profile' });
    expect(error.message).toBe('profile: inventory is unavailable (ECONNREFUSED)');
  });

  it('shares one circuit breaker per integration definition, and gives a changed definition a new one', async () => {
    const inventory = await down();
    const sections = sectionsOf({ inventory });
    for (let call = 0; call < 5; call++) await run(sections);
    expect((await run(sections)).message).toBe(
      'profile: inventory is unavailable: circuit open after repeated failures',
    );

    const standIn = await new ExternalApiStandIn().start();
    try {
      standIn.script = () => ({ status: 200, body: { count: 3 } });
      const moved = sectionsOf({
        inventory: { ...inventory, base_url: standIn.url },
      });
      await expect(firstValueFrom(adapter.execute(callFor(moved, 'inventory.get', {})))).resolves.toEqual({
        count: 3,
      });
    } finally {
      await standIn.stop();
    }
  });
});

describe('ApiSourceAdapter validation and idempotency', () => {
  let moduleRef: TestingModule;
  let adapter: ApiSourceAdapter;
  const sections = sectionsOf(integrationsFor('http://127.0.0.1:9'));
  const declaration = (
    operation: string | undefined,
    params: Record<string, unknown> = {},
  ): SourceDeclarationView => ({
    name: 'profile',
    type: 'api',
    operation,
    params,
  });

  beforeAll(async () => {
    Object.assign(process.env, { API_SPEC_CRM_TOKEN: 'crm-token', API_SPEC_CATALOG_KEY: 'catalog-key' });
    moduleRef = await Test.createTestingModule({ imports: [configurationModule({}), ApiModule] }).compile();
    adapter = moduleRef.get(ApiSourceAdapter);
  });
  afterAll(() => moduleRef.close());

  it('accepts a source that gives every param its operation needs', () => {
    expect(
      adapter.validate(
        declaration('crm.get_customer', { customer_id: '$request.id', tenant: 'acme' }),
        sections,
      ),
    ).toEqual([]);
  });

  it.each([
    [undefined, 'got none'],
    ['', 'got '],
    ['crm.', 'got crm.'],
    ['.get_customer', 'got .get_customer'],
  ])('asks for <integration>.<operation> or <operation> when the operation is %j', (operation, got) => {
    expect(adapter.validate(declaration(operation), sections)).toEqual([
      {
        path: ['operation'],
        message: `an api source names its operation as <integration>.<operation>, e.g. crm.get_customer, or as <operation> alone when one integration has it (${got})`,
      },
    ]);
  });

  it('finds an operation named alone in the one integration that declares it', () => {
    expect(
      adapter.validate(declaration('get_customer', { customer_id: '$request.id', tenant: 'acme' }), sections),
    ).toEqual([]);
    expect(adapter.validate(declaration('get_customer', { tenant: 'acme' }), sections)).toEqual([
      {
        path: ['params'],
        message:
          'operation crm.get_customer needs param customer_id (in its path), which the source does not give',
      },
    ]);
    expect(adapter.idempotent(declaration('create_note'), sections)).toBe(false);
  });

  /** What is wrong with naming `operation`, all of it about the operation. */
  const operationProblems = (operation: string, declared: ConfigurationSections) =>
    adapter.validate(declaration(operation), declared).map(({ path, message }) => {
      expect(path).toEqual(['operation']);
      return message;
    });

  it('refuses an operation named alone that several integrations declare, naming them', () => {
    const twice = sectionsOf({
      ...integrationsFor('http://127.0.0.1:9'),
      billing: { base_url: 'http://127.0.0.1:9', operations: { get: { path: '/y' } } },
    });
    expect(operationProblems('get', twice)).toEqual([
      'operation get is declared by integrations unset and billing; expected one of: unset.get, billing.get',
    ]);
  });

  it('refuses an operation named alone that no integration declares, listing those that exist', () => {
    expect(operationProblems('get_invoice', sections)).toEqual([
      'no integration has an operation get_invoice; the operations of integrations/: crm.get_customer, crm.create_note, crm.ping, catalog.get_product, weather.forecast, unset.get',
    ]);
    expect(operationProblems('get_invoice', sectionsOf({}))).toEqual([
      'no integration has an operation get_invoice; integrations/ declares none',
    ]);
  });

  it('names an unknown integration, listing the known ones', () => {
    expect(adapter.validate(declaration('billing.get_invoice'), sections)).toEqual([
      {
        path: ['operation'],
        message: 'unknown integration billing; integrations/ declares: crm, catalog, weather, unset',
      },
    ]);
    expect(adapter.validate(declaration('billing.get_invoice'), sectionsOf({}))[0].message).toBe(
      'unknown integration billing; integrations/ declares none',
    );
  });

  it('names an unknown operation, listing the integration’s', () => {
    expect(adapter.validate(declaration('crm.get_custmer'), sections)).toEqual([
      {
        path: ['operation'],
        message:
          'integration crm has no operation get_custmer; its operations: get_customer, create_note, ping',
      },
    ]);
  });

  it('names each param a template needs that the source does not give', () => {
    expect(adapter.validate(declaration('crm.get_customer', { id: '$request.id' }), sections)).toEqual([
      {
        path: ['params'],
        message:
          'operation crm.get_customer needs param customer_id (in its path), which the source does not give',
      },
      {
        path: ['params'],
        message:
          'operation crm.get_customer needs param tenant (in its headers), which the source does not give',
      },
    ]);
  });

  it('reports an integration whose credential variable is not set', () => {
    expect(adapter.validate(declaration('unset.get'), sections)).toEqual([
      {
        path: ['operation'],
        message:
          'integration unset reads its credential from the environment variable API_SPEC_NEVER_SET, which is not set',
      },
    ]);
  });

  it('describes a result by its operation’s response_schema, and nothing without one', async () => {
    await expect(adapter.describeResult(declaration('crm.get_customer'), sections)).resolves.toEqual({
      fields: { id: {}, name: {} },
    });
    await expect(
      adapter.describeResult(declaration('catalog.get_product'), sections),
    ).resolves.toBeUndefined();
  });

  it('refuses a response_schema that is no JSON Schema when the integrations compile', () => {
    expect(
      apiSection.compile({
        crm: {
          base_url: 'http://x',
          operations: { get: { path: '/x', response_schema: { type: 'record' } } },
        },
      }).problems,
    ).toEqual([
      {
        path: ['crm', 'operations', 'get', 'response_schema'],
        message: 'not a JSON Schema: /type: must be equal to one of the allowed values',
      },
    ]);
  });

  it('says reads may be retried and writes may not, as each operation declares', () => {
    expect(adapter.idempotent(declaration('crm.get_customer'), sections)).toBe(true);
    expect(adapter.idempotent(declaration('crm.create_note'), sections)).toBe(false);
    expect(adapter.idempotent(declaration('crm.unknown'), sections)).toBe(false);
    const declared = sectionsOf({
      crm: {
        base_url: 'http://crm',
        operations: { upsert: { method: 'POST', path: '/x', idempotent: true } },
      },
    });
    expect(adapter.idempotent(declaration('crm.upsert'), declared)).toBe(true);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const until = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
