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
});
