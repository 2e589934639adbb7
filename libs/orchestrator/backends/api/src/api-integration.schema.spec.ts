import { createAjv } from '@libs/core/config';
import { apiIntegrationSchema, apiIntegrationsFileSchema, resultShapeOf } from './api-integration.schema';

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

/** Where the schema finds `definition` wrong, as the paths of its errors (none when it is valid). */
const validate = createAjv().compile(apiIntegrationSchema);
const faultsOf = (definition: unknown): string[] =>
  validate(definition) ? [] : [...new Set((validate.errors ?? []).map((error) => error.instancePath || '/'))];

describe('apiIntegrationSchema', () => {
  it('is a self-contained JSON Schema that the integrations file embeds, under the one Ajv configuration', () => {
    const validateFile = createAjv().compile(apiIntegrationsFileSchema);
    expect(validateFile({ integrations: { crm } })).toBe(true);
    expect(validateFile({ integrations: { 'crm-v2': crm } })).toBe(false);
    expect(JSON.stringify(apiIntegrationSchema)).not.toContain('$ref');
  });

  it.each([
    ['a bearer token', { type: 'bearer', token_env: 'CRM_TOKEN' }],
    ['an API key in a header', { type: 'api_key', header: 'X-API-Key', key_env: 'CRM_KEY' }],
    ['an API key in the query', { type: 'api_key', in: 'query', name: 'api_key', key_env: 'CRM_KEY' }],
  ])('accepts %s', (_case, auth) => {
    expect(faultsOf({ ...crm, auth })).toEqual([]);
  });

  it.each([
    ['no base_url', { operations: crm.operations }, ['/']],
    ['a misspelt property', { ...crm, base_uri: 'x' }, ['/']],
    ['a base_url that is not http(s)', { ...crm, base_url: 'ftp://crm' }, ['/base_url']],
    ['no operations', { ...crm, operations: {} }, ['/operations']],
    [
      'an unknown method',
      { ...crm, operations: { get: { method: 'FETCH', path: '/x' } } },
      ['/operations/get/method'],
    ],
    [
      'a path that is not absolute',
      { ...crm, operations: { get: { path: 'customers' } } },
      ['/operations/get/path'],
    ],
    [
      'a response that is not a dot path',
      { ...crm, operations: { get: { path: '/x', response: '$.data' } } },
      ['/operations/get/response'],
    ],
    ['an unknown auth type', { ...crm, auth: { type: 'basic', user_env: 'U' } }, ['/auth/type']],
    ['a secret written in the YAML', { ...crm, auth: { type: 'bearer', token: 's3cr3t' } }, ['/auth']],
    ['an API key with no place', { ...crm, auth: { type: 'api_key', key_env: 'K' } }, ['/auth']],
    [
      'an API key with two places',
      { ...crm, auth: { type: 'api_key', key_env: 'K', header: 'X-Key', in: 'query', name: 'key' } },
      ['/auth'],
    ],
    [
      'an env variable name that is not one',
      { ...crm, auth: { type: 'bearer', token_env: '$CRM TOKEN' } },
      ['/auth/token_env', '/auth'],
    ],
    [
      'a query value that is not a scalar',
      { ...crm, operations: { get: { path: '/x', query: { ids: [1, 2] } } } },
      ['/operations/get/query/ids'],
    ],
    [
      'an invalid header or operation name',
      { ...crm, headers: { 'Bad Header': 'x' }, operations: { 'get customer': { path: '/x' } } },
      ['/headers', '/operations'],
    ],
  ])('refuses %s', (_case, definition, faults) => {
    expect(faultsOf(definition)).toEqual(faults);
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
