import type { ResultShape, SourceAdapter } from '@libs/core/sources';
import { EMPTY } from 'rxjs';
import { ConfigurationLoader } from './configuration.loader';
import { formatProblem } from './configuration.report';
import { ConfigurationDirectories, adaptersOf, lines } from './configuration.test-harness';

/**
 * An adapter of type `shaped` that reports, for each operation, the shape its real counterpart
 * would find out (a statement's columns…); `broken` cannot be described now, `silent` never
 * answers, `invalid` fails validation.
 */
function shapedAdapter(shapes: Record<string, ResultShape>): SourceAdapter & { described: string[] } {
  const described: string[] = [];
  return {
    type: 'shaped',
    described,
    execute: () => EMPTY,
    validate: (source) =>
      source.operation === 'invalid' ? [{ path: ['operation'], message: 'invalid operation' }] : [],
    describeResult: async (source) => {
      described.push(`${source.name}:${source.operation}`);
      if (source.operation === 'broken') throw new Error('database main is unavailable (ECONNREFUSED)');
      if (source.operation === 'silent') return new Promise(() => undefined);
      return shapes[source.operation ?? ''];
    },
  };
}

/** A domain file of one endpoint, get_customer, whose `data_sources:` line is followed by `rest`. */
const customerEndpoint = (...rest: string[]) =>
  lines('endpoints:', '  get_customer:', '    data_sources:', ...rest);

const row = (...names: string[]): ResultShape => ({
  fields: Object.fromEntries(names.map((name) => [name, {}])),
});

describe('ConfigurationLoader: references checked against what sources answer', () => {
  const directories = new ConfigurationDirectories();
  const loader = new ConfigurationLoader();
  afterAll(() => directories.removeAll());

  const load = async (domain: string, adapter = shapedAdapter(SHAPES), describeTimeoutMs = 1_000) => {
    const { snapshot, problems, warnings } = await loader.load(
      await directories.write({ 'domains/customers.yaml': domain }),
      adaptersOf(adapter),
      { describeTimeoutMs },
    );
    return { snapshot, problems: problems.map(formatProblem), warnings: warnings.map(formatProblem) };
  };

  const SHAPES: Record<string, ResultShape> = {
    get_customer: row('id', 'name', 'email'),
    get_accounts: { items: row('id', 'balance') },
    get_address: { fields: { id: {}, address: row('street', 'city') } },
    get_anything: {},
  };

  it('refuses a wrong field wherever a reference reads it, at its line and column, naming the fields there are', async () => {
    const { snapshot, problems } = await load(
      customerEndpoint(
        '      - { name: profile, type: shaped, operation: get_customer }',
        '      - name: accounts',
        '        type: shaped',
        '        operation: get_accounts',
        '        params: { owner: $profile.customer_id, label: "for ${profile.nmae}" }',
        '        when: $profile.active = true',
        '      - { name: address, type: shaped, operation: get_address }',
        '    response_mapping:',
        '      id: "$profile.customer_id"',
        '      name: $profile.name',
        '      city: $address.address.town',
        '      first_balance: $accounts[0].balance',
        '      first_kind: $accounts[0].kind',
        '      balances: $accounts.balance',
        "    transform: \"$merge([$, {'total': $sum($accounts.balance), 'n': $count($accounts.amount)}])\"",
      ),
    );

    expect(snapshot).toBeUndefined();
    expect(problems).toEqual([
      'domains/customers.yaml:8:26: unknown field customer_id in "$profile.customer_id": the result of source profile has no field customer_id; its fields: id, name, email',
      'domains/customers.yaml:8:55: unknown field nmae in "${profile.nmae}": the result of source profile has no field nmae; its fields: id, name, email',
      'domains/customers.yaml:9:15: unknown field active in "$profile.active": the result of source profile has no field active; its fields: id, name, email',
      'domains/customers.yaml:12:11: unknown field customer_id in "$profile.customer_id": the result of source profile has no field customer_id; its fields: id, name, email',
      'domains/customers.yaml:14:13: unknown field town in "$address.address.town": address.address has no field town; its fields: street, city',
      'domains/customers.yaml:16:19: unknown field kind in "$accounts[0].kind": accounts[0] has no field kind; its fields: id, balance',
      'domains/customers.yaml:17:17: "$accounts.balance" reads field balance of the result of source accounts, which is a list; expected an index first ($accounts[0].balance) or a JSONata transform over its items',
      'domains/customers.yaml:18:16: unknown field amount in "$accounts.amount": the result of source accounts has no field amount; its fields: id, balance',
    ]);
  });

  it('loads references to fields there are, and leaves alone what is not known at load', async () => {
    const adapter = shapedAdapter(SHAPES);
    const { snapshot, problems, warnings } = await load(
      customerEndpoint(
        '      - { name: profile, type: shaped, operation: get_customer }',
        '      - { name: anything, type: shaped, operation: get_anything }',
        '      - { name: unknown, type: shaped, operation: not_described }',
        '      - name: renamed',
        '        type: shaped',
        '        operation: get_customer',
        '        transform: "{ \'customer_id\': id }"',
        '      - name: each',
        '        type: shaped',
        '        operation: get_customer',
        '        foreach: { items: $request.ids }',
        '    response_mapping:',
        '      id: $profile.id',
        '      anything: $anything.whatever.deep',
        '      unknown: $unknown.x',
        '      renamed: $renamed.customer_id',
        '      first: $each[0].name',
        '      request: $request.nickname',
      ),
      adapter,
    );

    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(snapshot?.endpoints).toHaveLength(1);
    // A source that transforms its result is not asked: the transform makes its shape.
    expect(adapter.described.sort()).toEqual([
      'anything:get_anything',
      'each:get_customer',
      'profile:get_customer',
      'unknown:not_described',
    ]);
  });

  it('refuses a foreach item’s field through the list the foreach answers', async () => {
    const { problems } = await load(
      lines(
        'endpoints:',
        '  get_customers:',
        '    data_sources:',
        '      - name: each',
        '        type: shaped',
        '        operation: get_customer',
        '        foreach: { items: $request.ids }',
        '    response_mapping:',
        '      first: $each[0].customer_id',
      ),
    );

    expect(problems).toEqual([
      'domains/customers.yaml:9:14: unknown field customer_id in "$each[0].customer_id": each[0] has no field customer_id; its fields: id, name, email',
    ]);
  });

  it('still loads when a shape cannot be found out, saying so where the source is; an invalid source is not asked', async () => {
    const adapter = shapedAdapter(SHAPES);
    const { snapshot, problems, warnings } = await load(
      customerEndpoint(
        '      - { name: profile, type: shaped, operation: broken }',
        '      - { name: slow, type: shaped, operation: silent }',
        '      - { name: again, type: shaped, operation: broken }',
        '    response_mapping: { id: $profile.customer_id, x: $slow.x }',
      ),
      adapter,
      50,
    );

    expect(problems).toEqual([]);
    expect(snapshot).toBeDefined();
    expect(warnings).toEqual([
      'domains/customers.yaml:4:9: the fields of 2 sources (get_customer.profile, get_customer.again) are not checked: their results’ shapes are unknown until they run (database main is unavailable (ECONNREFUSED)); a field they lack will be null in the answer, with a warning',
      'domains/customers.yaml:5:9: the fields of source get_customer.slow are not checked: its result’s shape is unknown until it runs (no answer within 50 ms); a field it lacks will be null in the answer, with a warning',
    ]);

    const refused = await load(
      lines(
        'endpoints:',
        '  get_customer:',
        '    data_sources: [{ name: profile, type: shaped, operation: invalid }]',
      ),
      adapter,
    );
    expect(refused.problems).toEqual(['domains/customers.yaml:3:62: invalid operation']);
    expect(adapter.described).not.toContain('profile:invalid');
  });
});
