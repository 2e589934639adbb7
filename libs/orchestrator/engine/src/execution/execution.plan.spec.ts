import { planExecution } from './execution.plan';
import { endpoint, source } from './execution.test-harness';
import { JsonataExpression } from './jsonata.expression';

const noExpressions = (sources: number) => ({ sources: Array.from({ length: sources }, () => ({})) });
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
      noExpressions(4),
    );

    expect(names(plan)).toEqual(['profile', 'orders', 'summary', 'weather']);
    expect(Object.fromEntries(plan.sources.map((step) => [step.definition.name, step.dependsOn]))).toEqual({
      profile: [],
      orders: ['profile'],
      summary: ['profile', 'orders'],
      weather: [],
    });
  });

  it('runs the expressions the loader parsed, each with its own source, not parsed again', () => {
    const when = JsonataExpression.parse('$request.enabled');
    const transform = JsonataExpression.parse('$.items[price > 10]');
    const response = JsonataExpression.parse('{ "count": $count($.items) }');
    const plan = planExecution(
      endpoint([source('b', { params: { x: '$a.x' } }), source('a')], {
        transform: response.text,
      }),
      {
        sources: [{ when: { expression: when } }, { transform: { expression: transform } }],
        transform: { expression: response },
      },
    );

    expect(names(plan)).toEqual(['a', 'b']);
    expect(plan.sources[0].transform).toBe(transform);
    expect(plan.sources[0].when).toBeUndefined();
    expect(plan.sources[1].when).toBe(when);
    expect(plan.transform).toBe(response);
  });

  it('finds the references of params, foreach items and the response mapping once, to resolve per request', () => {
    const plan = planExecution(
      endpoint(
        [
          source('lines', {
            params: { order: '$order.id', label: 'order ${order.id} of ${request.customer}' },
            foreach: { items: '$request.orders', as: 'order', concurrency: 2 },
          }),
        ],
        { responseMapping: { count: '$lines[1]', missing: '$lines[5]' } },
      ),
      noExpressions(1),
    );
    const [lines] = plan.sources;
    const scope = { request: { customer: 'c-1', orders: [{ id: 1 }, { id: 2 }] }, lines: ['a', 'b'] };

    expect(lines.foreachItems?.resolve(scope)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(lines.params.resolve({ ...scope, order: { id: 2 } })).toEqual({
      order: 2,
      label: 'order 2 of c-1',
    });
    expect(plan.responseMapping?.resolveMapping(scope)).toEqual({
      value: { count: 'b', missing: null },
      missing: [{ at: ['missing'], reference: { root: 'lines', path: [5], text: '$lines[5]' } }],
    });
  });
});
