import { cacheKeyOf } from './source-result.cache';

describe('cacheKeyOf', () => {
  it('is the same for the same call whatever the order of its params, and differs otherwise', () => {
    const key = cacheKeyOf('api', 'get_customer', { id: 1, filter: { b: 2, a: [1, { y: 1, x: 2 }] } });

    expect(cacheKeyOf('api', 'get_customer', { filter: { a: [1, { x: 2, y: 1 }], b: 2 }, id: 1 })).toBe(key);
    expect(cacheKeyOf('api', 'get_orders', { id: 1, filter: { b: 2, a: [1, { y: 1, x: 2 }] } })).not.toBe(
      key,
    );
    expect(
      cacheKeyOf('database', 'get_customer', { id: 1, filter: { b: 2, a: [1, { y: 1, x: 2 }] } }),
    ).not.toBe(key);
    expect(cacheKeyOf('api', undefined, { id: '1' })).not.toBe(cacheKeyOf('api', undefined, { id: 1 }));
  });
});
