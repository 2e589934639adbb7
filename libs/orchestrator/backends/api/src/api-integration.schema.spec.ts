import Ajv from 'ajv';
import { apiIntegrationSchema, parseApiIntegration, resultShapeOf } from './api-integration.schema';

const crm = {
  description: 'The CRM',
  base_url: 'https://crm.internal/api/v2',
  timeout_ms: 2000,
  retries: 1,
  auth: { type: 'bearer', token_env: 'CRM_TOKEN' },
  headers: { Accept: 'application/json' },
  operations: {
    get_customer: { method: 'GET', path: '/customers/{customer_id}', response: 'data.customer' },
    search: { path: '/customers', query: { q: '{text}', limit: 10, active: true } },
    create_note: {
      method: 'POST',
      path: '/customers/{customer_id}/notes',
      headers: { 'X-Tenant': '{tenant}' },
      body: { text: '{text}', tags: ['{tag}'] },
      idempotent: false,
    },
  },
};

const problemsOf = (definition: unknown): string[] => {
  const parsed = parseApiIntegration(definition);
  return 'problems' in parsed ? parsed.problems : [];
};

describe('apiIntegrationSchema', () => {
  it('is a self-contained JSON Schema that another schema can embed, with every keyword typed', () => {
    const ajv = new Ajv({ strictTypes: true, strictTuples: true });
    const validate = ajv.compile({
      type: 'object',
      additionalProperties: apiIntegrationSchema,
    });
    expect(validate({ crm })).toBe(true);
    expect(JSON.stringify(apiIntegrationSchema)).not.toContain('$ref');
  });

  it.each([
    ['a bearer token', { type: 'bearer', token_env: 'CRM_TOKEN' }],
    ['an API key in a header', { type: 'api_key', header: 'X-API-Key', key_env: 'CRM_KEY' }],
    ['an API key in the query', { type: 'api_key', in: 'query', name: 'api_key', key_env: 'CRM_KEY' }],
  ])('accepts %s', (_case, auth) => {
    expect(parseApiIntegration({ ...crm, auth })).toEqual({ integration: { ...crm, auth } });
  });

  it.each([
    ['no base_url', { operations: crm.operations }, ["/: must have required property 'base_url'"]],
    [
      'a misspelt property, listing the known ones',
      { ...crm, base_uri: 'x' },
      [
        '/: unknown property base_uri (expected one of: description, base_url, timeout_ms, response_max_bytes, retries, auth, headers, operations)',
      ],
    ],
    [
      'a base_url that is not http(s)',
      { ...crm, base_url: 'ftp://crm' },
      ['/base_url: must match pattern "^https?://[^\\s/?#]+[^\\s?#]*$"'],
    ],
    ['no operations', { ...crm, operations: {} }, ['/operations: must NOT have fewer than 1 properties']],
    [
      'an unknown method',
      { ...crm, operations: { get: { method: 'FETCH', path: '/x' } } },
      ['/operations/get/method: must be one of: GET, HEAD, POST, PUT, PATCH, DELETE'],
    ],
    [
      'a path that is not absolute',
      { ...crm, operations: { get: { path: 'customers' } } },
      ['/operations/get/path: must match pattern "^/"'],
    ],
    [
      'a response that is not a dot path',
      { ...crm, operations: { get: { path: '/x', response: '$.data' } } },
      ['/operations/get/response: must match pattern "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$"'],
    ],
    [
      'an unknown auth type',
      { ...crm, auth: { type: 'basic', user_env: 'U' } },
      ['/auth/type: must be one of: bearer, api_key'],
    ],
    [
      'a secret written in the YAML',
      { ...crm, auth: { type: 'bearer', token: 's3cr3t' } },
      [
        "/auth: must have required property 'token_env'",
        '/auth: unknown property token (expected one of: type, token_env)',
      ],
    ],
    [
      'an API key with no place',
      { ...crm, auth: { type: 'api_key', key_env: 'K' } },
      ['/auth: must have exactly one of: `header: <name>` or `in: query` with `name: <parameter>`'],
    ],
    [
      'an API key with two places',
      { ...crm, auth: { type: 'api_key', key_env: 'K', header: 'X-Key', in: 'query', name: 'key' } },
      ['/auth: must have exactly one of: `header: <name>` or `in: query` with `name: <parameter>`'],
    ],
    [
      'an env variable name that is not one',
      { ...crm, auth: { type: 'bearer', token_env: '$CRM TOKEN' } },
      ['/auth/token_env: must match pattern "^[A-Za-z_][A-Za-z0-9_]*$"'],
    ],
  ])('refuses %s', (_case, definition, problems) => {
    expect(problemsOf(definition)).toEqual(problems);
  });

  it('refuses a query value that is not a scalar', () => {
    expect(problemsOf({ ...crm, operations: { get: { path: '/x', query: { ids: [1, 2] } } } })).toEqual([
      '/operations/get/query/ids: must be a string or a number or a boolean',
    ]);
  });

  it('names an invalid operation or header name', () => {
    expect(
      problemsOf({ ...crm, headers: { 'Bad Header': 'x' }, operations: { 'get customer': { path: '/x' } } }),
    ).toEqual([
      '/headers: the name "Bad Header" must match pattern "^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$"',
      '/operations: the name "get customer" must match pattern "^[A-Za-z_][A-Za-z0-9_-]*$"',
    ]);
  });
});

describe('resultShapeOf', () => {
  it('takes properties as every field, items as a list’s items, and leaves open objects unknown', () => {
    expect(
      resultShapeOf({
        type: 'object',
        properties: {
          id: { type: 'string' },
          address: { type: 'object', properties: { city: { type: 'string' } } },
          lines: { type: 'array', items: { type: 'object', properties: { amount: { type: 'number' } } } },
          extra: { type: 'object', properties: { a: {} }, additionalProperties: true },
        },
      }),
    ).toEqual({
      fields: {
        id: {},
        address: { fields: { city: {} } },
        lines: { items: { fields: { amount: {} } } },
        extra: {},
      },
    });
    expect(
      resultShapeOf({ type: 'object', properties: { a: {} }, additionalProperties: { type: 'string' } }),
    ).toEqual({});
    expect(resultShapeOf({ type: 'object', properties: { a: {} }, additionalProperties: false })).toEqual({
      fields: { a: {} },
    });
    expect(resultShapeOf(true)).toEqual({});
  });
});
