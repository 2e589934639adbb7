import { ExecutionPlanError, planExecution } from './execution.plan';
import { endpoint, source } from './execution.test-harness';

const names = (plan: ReturnType<typeof planExecution>) => plan.sources.map((step) => step.definition.name);

describe('planExecution', () => {
  it('lists every source after the sources it reads, keeping each one to its own inputs', () => {
    const plan = planExecution(
      endpoint([
        source('summary', { params: { name: '$profile.name', orders: '$orders' } }),
        source('orders', { params: { customer: '$profile.id', limit: '$request.limit' } }),
        source('profile', { params: { id: '$request.customer_id' } }),
        source('weather', { params: { city: '${request.city} today' } }),
      ]),
    );

    expect(names(plan)).toEqual(['profile', 'orders', 'summary', 'weather']);
    expect(Object.fromEntries(plan.sources.map((step) => [step.definition.name, step.dependsOn]))).toEqual({
      profile: [],
      orders: ['profile'],
      summary: ['profile', 'orders'],
      weather: [],
    });
  });

  it('does not wait for the request or a foreach item, which are not sources', () => {
    const plan = planExecution(
      endpoint([
        source('orders', {
          params: { id: '$order.id' },
          foreach: { items: '$request.order_ids', as: 'order', concurrency: 2 },
          dependsOn: ['request', 'order'],
        }),
      ]),
    );

    expect(plan.sources[0].dependsOn).toEqual([]);
  });

  it('refuses a dependency cycle, naming it and where it was declared', () => {
    const cyclic = endpoint([
      source('a', { params: { x: '$c.x' } }),
      source('b', { params: { x: '$a.x' } }),
      source('c', { params: { x: '$b.x' } }),
      source('d', { params: {} }),
    ]);

    expect(() => planExecution(cyclic)).toThrow(ExecutionPlanError);
    expect(() => planExecution(cyclic)).toThrow(
      'domains/test.yaml:10:1: endpoint test.test_endpoint: its sources form a dependency cycle: a → c → b → a',
    );
    expect(() => planExecution(endpoint([source('a', { params: { x: '$a.x' } })]))).toThrow(
      'dependency cycle: a → a',
    );
  });

  it('refuses a dependency or a primary source that is not one of the endpoint sources', () => {
    expect(() => planExecution(endpoint([source('a', { params: { x: '$ghost.x' } })]))).toThrow(
      'source a depends on ghost, which is not one of its sources',
    );
    expect(() => planExecution(endpoint([source('a')], { primarySource: 'b' }))).toThrow(
      'primary source b is not one of its sources',
    );
  });

  it('parses the JSONata expressions once, and refuses an invalid one with its location', () => {
    const plan = planExecution(
      endpoint([source('a', { when: '$request.enabled', transform: '$.items[price > 10]' })], {
        transform: '{ "count": $count($.items) }',
      }),
    );
    expect(plan.sources[0].when?.text).toBe('$request.enabled');
    expect(plan.transform?.text).toBe('{ "count": $count($.items) }');

    expect(() => planExecution(endpoint([source('a', { when: '$request.enabled = ' })]))).toThrow(
      /^domains\/test\.yaml:10:1: endpoint test.test_endpoint: source a when: invalid JSONata expression "\$request.enabled = ": .+/,
    );
    expect(() => planExecution(endpoint([source('a')], { transform: '{ "a": }' }))).toThrow(
      /^domains\/test\.yaml:1:1: endpoint test.test_endpoint: transform: invalid JSONata expression/,
    );
  });
});
