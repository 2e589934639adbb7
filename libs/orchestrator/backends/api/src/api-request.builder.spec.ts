import type { DownstreamError } from '@libs/core/http';
import type { ApiOperation } from './api-integration.schema';
import { buildApiRequest, isIdempotent, placeholdersOf, selectResponse } from './api-request.builder';

const build = (operation: ApiOperation, params: Record<string, unknown>) =>
  buildApiRequest('profile', operation, params);

const refusal = (operation: ApiOperation, params: Record<string, unknown>): DownstreamError => {
  try {
    build(operation, params);
  } catch (error) {
    return error as DownstreamError;
  }
  throw new Error('expected a refusal');
};

describe('buildApiRequest', () => {
  it('fills the path with URL-encoded values, each kept inside its segment', () => {
    const request = build(
      { path: '/customers/{customer_id}/orders/{order}' },
      { customer_id: '../admin?x=1#y', order: 'a b/c' },
    );
    expect(request).toMatchObject({
      method: 'GET',
      url: '/customers/..%2Fadmin%3Fx%3D1%23y/orders/a%20b%2Fc',
      allowAbsoluteUrls: false,
    });
    expect(request.params.toString()).toBe('');
    expect(request.data).toBeUndefined();
  });

  it.each([
    ['a . path value', { id: '.' }],
    ['a .. path value', { id: '..' }],
    ['an empty path value', { id: '' }],
    ['a missing path value', {}],
  ])('refuses %s with a 400 naming the source, before any call', (_case, params) => {
    const error = refusal({ path: '/customers/{id}' }, params);
    expect(error).toMatchObject({ source: 'profile', kind: 'rejected', status: 400 });
    expect(error.message).toMatch(/^profile: /);
  });

  it('fills query templates: a whole placeholder keeps its value, arrays repeat, missing values are left out', () => {
    const request = build(
      {
        path: '/search',
        query: { q: '{text}', ids: '{ids}', page: '{page}', label: 'name:{name}', fixed: 10, all: true },
      },
      { text: 'a&b=c', ids: [1, 2], page: undefined, name: 'Zoë' },
    );
    expect(request.params.toString()).toBe('q=a%26b%3Dc&ids=1&ids=2&label=name%3AZo%C3%AB&fixed=10&all=true');
  });

  it('sends params no template names as the query of a GET or DELETE', () => {
    expect(build({ path: '/items/{id}' }, { id: 7, limit: 5, tags: ['a', 'b'] }).params.toString()).toBe(
      'limit=5&tags=a&tags=b',
    );
    expect(build({ method: 'DELETE', path: '/items' }, { id: 7 }).params.toString()).toBe('id=7');
  });

  it('sends params no template names as the JSON body of a POST, PUT or PATCH without a body template', () => {
    const request = build(
      { method: 'POST', path: '/customers/{id}/notes' },
      { id: 7, text: 'hello', tags: ['vip'], missing: undefined },
    );
    expect(request.url).toBe('/customers/7/notes');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(request.data as string)).toEqual({ text: 'hello', tags: ['vip'] });
    expect(request.params.toString()).toBe('');
    expect(build({ method: 'PUT', path: '/x' }, {}).data).toBeUndefined();
  });

  it('fills a body template, whole placeholders keeping their type, and sends the rest in the query', () => {
    const request = build(
      {
        method: 'PATCH',
        path: '/customers/{id}',
        body: { score: '{score}', profile: '{profile}', note: 'by {agent}', flags: ['{flag}', 'fixed'] },
      },
      { id: 1, score: 42, profile: { tier: 'gold' }, agent: 'ana', flag: true, dry_run: true },
    );
    expect(JSON.parse(request.data as string)).toEqual({
      score: 42,
      profile: { tier: 'gold' },
      note: 'by ana',
      flags: [true, 'fixed'],
    });
    expect(request.params.toString()).toBe('dry_run=true');
  });

  it('sends a body that is one string param as a JSON string', () => {
    const request = build(
      { method: 'POST', path: '/echo', body: '{text}' },
      { text: '{"not": "an object"}' },
    );
    expect(request.data).toBe('"{\\"not\\": \\"an object\\"}"');
  });

  it('fills headers, leaving out one whose value is exactly a missing param', () => {
    const request = build(
      { path: '/x', headers: { 'X-Tenant': '{tenant}', 'X-Trace': 'id-{trace}', 'X-Absent': '{absent}' } },
      { tenant: 'acme', trace: 9 },
    );
    expect(request.headers).toEqual({ 'X-Tenant': 'acme', 'X-Trace': 'id-9' });
  });

  it('refuses a header value with a line break, which would smuggle in another header', () => {
    const error = refusal({ path: '/x', headers: { 'X-Tenant': '{tenant}' } }, { tenant: 'a\r\nX-Admin: 1' });
    expect(error).toMatchObject({ kind: 'rejected', status: 400 });
    expect(error.message).toBe('profile: the value of header X-Tenant holds a control character');
  });
});

describe('placeholdersOf', () => {
  it('lists each param named by a template with where it is used', () => {
    expect(
      placeholdersOf({
        method: 'POST',
        path: '/customers/{id}/notes/{id}',
        query: { v: '{version}' },
        headers: { 'X-Tenant': '{tenant}' },
        body: { text: '{text}', meta: { id: '{id}' } },
      }),
    ).toEqual(
      new Map([
        ['id', ['path', 'body']],
        ['version', ['query']],
        ['tenant', ['headers']],
        ['text', ['body']],
      ]),
    );
  });
});

describe('isIdempotent', () => {
  it.each([
    ['GET', undefined, true],
    ['HEAD', undefined, true],
    ['PUT', undefined, true],
    ['DELETE', undefined, true],
    ['POST', undefined, false],
    ['PATCH', undefined, false],
    ['POST', true, true],
    ['GET', false, false],
  ] as const)('%s with idempotent: %s is %s', (method, idempotent, expected) => {
    expect(isIdempotent({ method, path: '/x', idempotent })).toBe(expected);
  });

  it('takes a missing method as GET', () => {
    expect(isIdempotent({ path: '/x' })).toBe(true);
  });
});

describe('selectResponse', () => {
  const answer = { data: { customer: { id: 7 }, items: [{ sku: 'a' }], empty: null } };

  it('selects by dot path, array indexes included', () => {
    expect(selectResponse(answer, 'data.customer')).toEqual({ id: 7 });
    expect(selectResponse(answer, 'data.items.0.sku')).toBe('a');
    expect(selectResponse(answer, 'data.empty')).toBeNull();
    expect(selectResponse(answer, undefined)).toBe(answer);
  });

  it('is undefined when the path is not there', () => {
    expect(selectResponse(answer, 'data.profile.id')).toBeUndefined();
    expect(selectResponse('text', 'data')).toBeUndefined();
  });
});
