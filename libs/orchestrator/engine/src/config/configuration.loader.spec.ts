import { WORKSPACE_ROOT } from '@libs/core/testing';
import { apiSection } from '@libs/orchestrator/backends/api';
import { databaseSection } from '@libs/orchestrator/backends/database';
import { feastSection } from '@libs/orchestrator/backends/feast';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointDefinition } from '../model';
import { ConfigurationLoader, DEFAULT_SETTINGS, readSection } from './configuration.loader';
import { formatProblem } from './configuration.report';
import { ConfigurationDirectories, adaptersOf, fakeAdapter, lines } from './configuration.test-harness';

// The backends' real sections, so that their files are read and checked as in production.
const adapters = adaptersOf(
  fakeAdapter('api', ['crm.get_customer', 'crm.list_orders', 'crm.get_lines'], apiSection),
  fakeAdapter('text'),
  fakeAdapter('audio'),
);
const withFilesOfTheirOwn = adaptersOf(
  fakeAdapter('database', [], databaseSection),
  fakeAdapter('feast', [], feastSection),
);

const customers = lines(
  'endpoints:',
  '  customer_orders:',
  '    description: A customer and their orders',
  '    request:',
  '      customer_id:',
  '        in: path',
  '        minLength: 3',
  '      include_lines:',
  '        type: boolean',
  '    data_sources:',
  '      - name: customer',
  '        type: api',
  '        operation: crm.get_customer',
  '        params:',
  '          id: $request.customer_id',
  '      - name: orders',
  '        type: api',
  '        operation: crm.list_orders',
  '        params:',
  '          customer: $customer.id',
  '          label: "${customer.first_name} ${customer.last_name}"',
  '        when: $request.include_lines = true and $exists($customer.id)',
  '        optional: true',
  '        default: []',
  '        retry: { attempts: 2 }',
  '        cache: { ttl: 60 }',
  '      - name: lines',
  '        type: api',
  '        operation: crm.get_lines',
  '        foreach: { items: $orders.ids }',
  '        params: { order: $item }',
  '        timeout: 750',
  '        transform: $count($)',
  '    response_mapping:',
  '      id: $customer.id',
  '      city: $customer.addresses[0].city',
  '      orders: $orders',
  '      lines: $lines',
  '    transform: "$merge([$, {\'count\': $count(orders)}])"',
  '    sensitive: [customer_id]',
);

const happyPath = {
  'config.yaml': lines('settings:', '  request_deadline_ms: 8000', '  sensitive_fields: [password]'),
  'integrations/crm.yaml': lines(
    'integrations:',
    '  crm:',
    '    base_url: ${CRM_URL:-http://127.0.0.1:9}',
    '    operations:',
    '      get_customer:',
    '        path: /customers/{id}',
  ),
  'domains/customers.yaml': customers,
  'domains/search.yml': lines(
    'endpoints:',
    '  find_products:',
    '    endpoint_type: search',
    '    data_sources:',
    '      - name: results',
    '        type: text',
    '        params: { text: hello }',
  ),
  'domains/README.md': 'not a domain: only YAML files are read',
};

/** The issue's example, as it was written. */
const issueExample = lines(
  'endpoints:',
  '  get_customer_360:',
  '    description: "Get comprehensive customer view"',
  '    endpoint_type: "composite"',
  '    data_sources:',
  '      - name: profile',
  '        type: database',
  '        operation: get_customer',
  '        params:',
  '          customer_id: "$request.customer_id"',
  '      - name: features',
  '        type: feast',
  '        operation: get_customer_features',
  '        params:',
  '          customer_id: "$request.customer_id"',
  '    primary_source: profile',
  '    response_mapping:',
  '      id: "$profile.customer_id"',
  '      name: "$profile.name"',
  '      lifetime_value: "$features.customer_lifetime_value"',
);

/** Sets a file's modification time to `seconds` after the epoch. */
const touch = (path: string, seconds: number) => utimes(path, seconds, seconds);

describe('ConfigurationLoader', () => {
  const directories = new ConfigurationDirectories();
  const loader = new ConfigurationLoader();
  afterAll(() => directories.removeAll());

  const load = async (
    files: Record<string, string>,
    environment: Record<string, string> = {},
    registered = adapters,
  ) => loader.load(await directories.write(files), registered, { environment });
  const problemsOf = async (
    files: Record<string, string>,
    environment: Record<string, string> = {},
    registered = adapters,
  ) => (await load(files, environment, registered)).problems.map(formatProblem);
  /** The problems of a directory already written (and touched). */
  const problemsIn = async (directory: string) =>
    (await loader.load(directory, adapters, { environment: {} })).problems.map(formatProblem);

  describe('a valid directory', () => {
    it('becomes a snapshot of every endpoint, with defaults applied and dependencies derived', async () => {
      const directory = await directories.write(happyPath);
      const { snapshot, problems } = await loader.load(directory, adapters, {
        environment: { CRM_URL: 'http://crm.test:8080' },
      });

      expect(problems).toEqual([]);
      expect(snapshot?.directory).toBe(directory);
      expect(snapshot?.version).toMatch(/^[0-9a-f]{12}$/);
      expect(Date.parse(snapshot?.loadedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(snapshot?.settings).toEqual({
        requestDeadlineMs: 8000,
        defaultTimeoutMs: DEFAULT_SETTINGS.defaultTimeoutMs,
        sensitiveFields: ['password'],
        adminTokenEnv: 'ORCHESTRATOR_ADMIN_TOKEN',
        readTokenEnv: 'ORCHESTRATOR_READ_TOKEN',
      });
      expect(snapshot?.sections).toEqual({
        settings: { request_deadline_ms: 8000, sensitive_fields: ['password'] },
        compiled: {
          api: {
            crm: {
              base_url: 'http://crm.test:8080',
              operations: { get_customer: { path: '/customers/{id}' } },
            },
          },
        },
      });
      expect(snapshot?.summaries).toEqual(['1 integration']);
      const file = 'domains/customers.yaml';
      expect(snapshot?.endpoints[0].definition).toEqual<EndpointDefinition>({
        name: 'customer_orders',
        domain: 'customers',
        description: 'A customer and their orders',
        endpointType: 'composite',
        method: 'GET',
        path: '/customers/customer-orders/:customer_id',
        request: [
          { name: 'customer_id', in: 'path', type: 'string', required: true, schema: { minLength: 3 } },
          { name: 'include_lines', in: 'query', type: 'boolean', required: false },
        ],
        sources: [
          {
            name: 'customer',
            type: 'api',
            operation: 'crm.get_customer',
            params: { id: '$request.customer_id' },
            timeoutMs: 10_000,
            optional: false,
            dependsOn: [],
            location: { file, line: 11, column: 9 },
          },
          {
            name: 'orders',
            type: 'api',
            operation: 'crm.list_orders',
            params: { customer: '$customer.id', label: '${customer.first_name} ${customer.last_name}' },
            timeoutMs: 10_000,
            retry: { attempts: 2, backoffMs: 100 },
            optional: true,
            default: [],
            when: '$request.include_lines = true and $exists($customer.id)',
            cache: { ttlSeconds: 60 },
            dependsOn: ['customer'],
            location: { file, line: 16, column: 9 },
          },
          {
            name: 'lines',
            type: 'api',
            operation: 'crm.get_lines',
            params: { order: '$item' },
            timeoutMs: 750,
            optional: false,
            foreach: { items: '$orders.ids', as: 'item', concurrency: 4 },
            transform: '$count($)',
            dependsOn: ['orders'],
            location: { file, line: 27, column: 9 },
          },
        ],
        responseMapping: {
          id: '$customer.id',
          city: '$customer.addresses[0].city',
          orders: '$orders',
          lines: '$lines',
        },
        transform: "$merge([$, {'count': $count(orders)}])",
        sensitive: ['customer_id', 'password'],
        location: { file, line: 2, column: 3 },
      });
      expect(snapshot?.endpoints[1].definition).toMatchObject({
        name: 'find_products',
        domain: 'search',
        endpointType: 'search',
        method: 'GET',
        path: '/search/find-products',
        request: [],
        primarySource: 'results',
        responseMapping: null,
        sensitive: ['password'],
      });
    });

    it('is frozen all the way down', async () => {
      const { snapshot } = await load(happyPath);
      const endpoint = snapshot?.endpoints[0].definition;
      for (const value of [
        snapshot,
        snapshot?.settings,
        snapshot?.sections.compiled['api'],
        endpoint,
        endpoint?.sources[1].params,
        endpoint?.sources[1].default,
        endpoint?.responseMapping,
      ]) {
        expect(Object.isFrozen(value)).toBe(true);
      }
      expect(() => (endpoint?.sources as unknown[]).push({})).toThrow(TypeError);
    });

    it('compiles each endpoint as it loads: its route, its request validator and its plan, frozen', async () => {
      const { snapshot } = await load(happyPath);
      const compiled = snapshot?.endpoints[0];
      if (!compiled) throw new Error('the configuration did not load');
      const { definition, plan } = compiled;

      expect(compiled.matchPath('/customers/customer-orders/c-42')).toEqual({ customer_id: 'c-42' });
      expect(compiled.matchPath('/customers/customer-orders')).toBeUndefined();
      const request: Record<string, unknown> = { customer_id: 'c-42', include_lines: 'true' };
      expect(compiled.validateRequest(request)).toBe(true);
      expect(request).toEqual({ customer_id: 'c-42', include_lines: true });
      expect(compiled.validateRequest({ customer_id: 'c' })).toBe(false);
      // Its sources after those they read, each with the expressions the reader parsed.
      expect(plan.endpoint).toBe(definition);
      expect(plan.sources.map(({ definition: { name } }) => name)).toEqual(['customer', 'orders', 'lines']);
      expect(plan.sources[1].when?.text).toBe(definition.sources[1].when);
      expect(plan.sources[2].transform?.text).toBe('$count($)');
      expect(plan.transform?.text).toBe(definition.transform);
      for (const value of [compiled, plan, plan.sources, plan.sources[1], plan.sources[1].when]) {
        expect(Object.isFrozen(value)).toBe(true);
      }
    });

    it('has a version that changes with the files’ contents, and only with them', async () => {
      const directory = await directories.write(happyPath);
      const first = await loader.load(directory, adapters, { environment: {} });
      const again = await loader.load(directory, adapters, { environment: {} });
      await writeFile(join(directory, 'config.yaml'), lines('settings:', '  request_deadline_ms: 9000'));
      const changed = await loader.load(directory, adapters, { environment: {} });

      expect(again.snapshot?.version).toBe(first.snapshot?.version);
      expect(changed.snapshot?.version).not.toBe(first.snapshot?.version);
    });

    it('loads without config.yaml, database.yaml or integrations, with the default settings', async () => {
      const { snapshot, problems } = await load({ 'domains/search.yaml': happyPath['domains/search.yml'] });

      expect(problems).toEqual([]);
      expect(snapshot?.settings).toEqual(DEFAULT_SETTINGS);
      expect(snapshot?.sections).toEqual({ settings: {}, compiled: { api: {} } });
    });

    it('hands each source type its own file, environment replaced, as its adapter compiles it', async () => {
      const { snapshot, problems, warnings } = await load(
        {
          'database.yaml': lines(
            'connections:',
            '  main: { url: "${DATABASE_URL:-postgres://localhost/app}" }',
            'operations:',
            '  get_customer: { connection: main, sql: "select 1", result: one }',
          ),
          'feast.yaml': lines(
            'operations:',
            '  get_customer_features: { feature_service: "${FEATURE_SERVICE:-customer_features}", entities: [customer_id] }',
          ),
        },
        {},
        withFilesOfTheirOwn,
      );

      expect({ problems, warnings }).toEqual({ problems: [], warnings: [] });
      expect(snapshot?.sections.compiled).toEqual({
        database: {
          connections: { main: { type: 'postgres', url: 'postgres://localhost/app' } },
          operations: { get_customer: { connection: 'main', sql: 'select 1', result: 'one' } },
        },
        feast: { get_customer_features: { feature_service: 'customer_features', entities: ['customer_id'] } },
      });
    });

    it('accepts the issue’s example unchanged', async () => {
      const directory = await directories.write({ 'domains/customers.yaml': issueExample });
      const { snapshot, problems } = await loader.load(
        directory,
        adaptersOf(
          fakeAdapter('database', ['get_customer']),
          fakeAdapter('feast', ['get_customer_features']),
        ),
        { environment: {} },
      );

      expect(problems).toEqual([]);
      expect(snapshot?.endpoints.map(({ definition }) => definition)).toEqual([
        expect.objectContaining({
          name: 'get_customer_360',
          description: 'Get comprehensive customer view',
          endpointType: 'composite',
          method: 'GET',
          path: '/customers/get-customer-360',
          // Without a request block, what the references read: required, text, in the query of a GET.
          request: [{ name: 'customer_id', in: 'query', type: 'string', required: true }],
          primarySource: 'profile',
          responseMapping: {
            id: '$profile.customer_id',
            name: '$profile.name',
            lifetime_value: '$features.customer_lifetime_value',
          },
          sources: [
            expect.objectContaining({
              name: 'profile',
              type: 'database',
              operation: 'get_customer',
              params: { customer_id: '$request.customer_id' },
              dependsOn: [],
            }),
            expect.objectContaining({
              name: 'features',
              type: 'feast',
              operation: 'get_customer_features',
              params: { customer_id: '$request.customer_id' },
              dependsOn: [],
            }),
          ],
        }),
      ]);
    });

    it('loads the repository’s example configuration', async () => {
      const exampleAdapters = adaptersOf(
        fakeAdapter(
          'api',
          [
            ...['get_product', 'get_supplier', 'list_reviews', 'get_stock'].map((name) => `catalog.${name}`),
            'credit_bureau.get_customer_credit',
          ],
          apiSection,
        ),
        fakeAdapter('text', ['analyze']),
        fakeAdapter('audio', ['transcribe']),
        fakeAdapter('database', undefined, databaseSection),
        fakeAdapter('feast', undefined, feastSection),
        fakeAdapter('model'),
      );
      const { snapshot, problems, warnings } = await loader.load(
        join(WORKSPACE_ROOT, 'config'),
        exampleAdapters,
        {
          environment: {},
        },
      );

      expect({ problems, warnings }).toEqual({ problems: [], warnings: [] });
      expect(snapshot?.summaries).toEqual(['2 integrations']);
      expect(
        snapshot?.endpoints.map(({ definition: { method, path, sources } }) => [
          method,
          path,
          sources.map((s) => s.type),
        ]),
      ).toEqual([
        ['GET', '/products/:product_id', ['api']],
        ['GET', '/catalog/get-product-overview/:product_id', ['api', 'api', 'api', 'api']],
        ['GET', '/catalog/product-snapshot/:product_id', ['api', 'api', 'api']],
        ['GET', '/customers/:customer_id', ['database', 'database']],
        ['GET', '/customers/:customer_id/credit-score', ['api']],
        ['GET', '/customers/:customer_id/features', ['feast']],
        ['POST', '/customers/features', ['feast']],
        ['GET', '/customers/:customer_id/360', ['database', 'database', 'database', 'feast', 'api']],
        ['POST', '/customers/:customer_id/credit-risk', ['database', 'database', 'feast', 'model']],
        ['GET', '/customers/:customer_id/recommendations', ['feast', 'model', 'database']],
        ['POST', '/customers/:customer_id/voice-feedback', ['database', 'audio', 'text']],
        ['POST', '/feedback/analyze-feedback', ['text']],
      ]);
      const voiceFeedback = snapshot?.endpoints.find(
        ({ definition }) => definition.name === 'voice_feedback',
      )?.definition;
      expect(voiceFeedback?.sources.map(({ dependsOn }) => dependsOn)).toEqual([[], [], ['transcript']]);
      expect(snapshot?.sections.compiled['api']).toMatchObject({
        catalog: { base_url: 'http://127.0.0.1:3010' },
      });
    });

    it('routes by the declared path and method, {name} segments becoming :name', async () => {
      const { snapshot } = await load({
        'domains/orders.yaml': lines(
          'endpoints:',
          '  update_order:',
          '    path: /orders/{order_id}/status',
          '    method: PUT',
          '    request:',
          '      order_id: { in: path }',
          '      status: { in: body, enum: [open, shipped] }',
          '    data_sources:',
          '      - { name: echo, type: text, params: { text: $request.status } }',
          '  create_order:',
          '    request:',
          '      note: { in: body, required: true }',
          '    data_sources:',
          '      - { name: echo, type: text, params: { text: $request.note } }',
        ),
      });

      expect(snapshot?.endpoints.map(({ definition: { method, path } }) => `${method} ${path}`)).toEqual([
        'PUT /orders/:order_id/status',
        'POST /orders/create-order',
      ]);
      expect(snapshot?.endpoints[0].definition.request[1]).toEqual({
        name: 'status',
        in: 'body',
        type: 'string',
        required: false,
        schema: { enum: ['open', 'shipped'] },
      });
    });
  });

  describe('an invalid directory is refused with every problem, where it is', () => {
    it('reports YAML syntax errors', async () => {
      expect(
        await problemsOf({
          'domains/broken.yaml': lines('endpoints:', '  one:', '    data_sources: [', '  two: {'),
          'config.yaml': lines('settings:', '  request_deadline_ms: 1', '  request_deadline_ms: 2'),
        }),
      ).toEqual([
        'config.yaml:3:3: invalid YAML: Map keys must be unique',
        'domains/broken.yaml:4:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        'domains/broken.yaml:5:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }',
      ]);
    });

    it('reports what does not match the schema, at the value or the key at fault', async () => {
      expect(
        await problemsOf({
          'config.yaml': lines('settings:', '  request_deadline_ms: soon', '  verbose: true'),
          'domains/customers.yaml': lines(
            'endpoints:',
            '  get-customer:',
            '    data_sources: []',
            '  get_orders:',
            '    method: FETCH',
            '    data_sources:',
            '      - name: orders',
            '        timout: 500',
            '        retry: { attempts: -1 }',
            '  no_sources:',
            '    description: nothing to read',
          ),
          'integrations/crm.yaml': lines('integrations:', '  crm:', '    base_url: crm.internal'),
        }),
      ).toEqual([
        'config.yaml:2:24: settings.request_deadline_ms: got "soon"; expected an integer',
        'config.yaml:3:3: settings: unknown property "verbose"; expected one of: request_deadline_ms, default_timeout_ms, sensitive_fields, admin_token_env, read_token_env',
        'domains/customers.yaml:2:3: endpoints: invalid name "get-customer"; expected a name made of letters, digits and _, starting with a letter or _',
        'domains/customers.yaml:3:19: endpoints.get-customer.data_sources: got an array; expected at least 1 item',
        'domains/customers.yaml:5:13: endpoints.get_orders.method: got "FETCH"; expected one of: GET, POST, PUT, PATCH, DELETE',
        'domains/customers.yaml:7:9: endpoints.get_orders.data_sources[0]: missing required property "type"',
        'domains/customers.yaml:8:9: endpoints.get_orders.data_sources[0]: unknown property "timout"; expected one of: name, type, operation, description, params, timeout, retry, optional, default, when, foreach, cache, transform',
        'domains/customers.yaml:9:28: endpoints.get_orders.data_sources[0].retry.attempts: got -1; expected an integer >= 0',
        'domains/customers.yaml:11:5: endpoints.no_sources: missing required property "data_sources"',
        'integrations/crm.yaml:3:5: integrations.crm: missing required property "operations"',
        expect.stringMatching(
          /^integrations\/crm\.yaml:3:15: integrations\.crm\.base_url: got "crm\.internal"; /,
        ),
      ]);
    });

    it('reports an unknown source type with the registered ones, and what adapters find wrong', async () => {
      expect(
        await problemsOf({
          'domains/customers.yaml': lines(
            'endpoints:',
            '  get_customer:',
            '    data_sources:',
            '      - name: profile',
            '        type: api',
            '        operation: crm.get_profile',
            '      - name: features',
            '        type: fest',
            '        operation: get_customer_features',
            '    primary_source: profile',
          ),
        }),
      ).toEqual([
        'domains/customers.yaml:6:20: unknown api operation "crm.get_profile"; expected one of: crm.get_customer, crm.list_orders, crm.get_lines',
        'domains/customers.yaml:8:15: unknown source type "fest"; expected one of: api, audio, text',
      ]);
    });

    it('reports a failing adapter check as a problem of the source', async () => {
      const failing = { ...fakeAdapter('text'), validate: () => JSON.parse('{') as never };
      const directory = await directories.write({ 'domains/search.yaml': happyPath['domains/search.yml'] });
      const { problems } = await loader.load(directory, adaptersOf(failing), { environment: {} });

      expect(problems.map(formatProblem)).toEqual([
        expect.stringMatching(/^domains\/search\.yaml:5:9: the text adapter could not check this source: /),
      ]);
    });

    it('reports unknown and malformed references in params, foreach, conditions, mappings and transforms', async () => {
      expect(
        await problemsOf({
          'domains/customers.yaml': lines(
            'endpoints:',
            '  get_customer:',
            '    request:',
            '      customer_id: { in: query }',
            '    data_sources:',
            '      - name: profile',
            '        type: text',
            '        params:',
            '          id: $request.customer',
            '          note: "Dear ${profil.name}"',
            '          address: $profile.addresses[first]',
            '          broken: "${profile.name"',
            '        when: $exists($profle) and $string($request.customer_id) != ""',
            '      - name: orders',
            '        type: text',
            '        foreach: { items: $profile.orders, as: order }',
            '        params: { id: $order.id, other: $item }',
            '        transform: $sum($.total) + $shipping',
            '    response_mapping:',
            '      orders: [$orders, $order]',
            '    transform: $request.customerid',
          ),
        }),
      ).toEqual([
        'domains/customers.yaml:9:15: unknown request parameter "customer" in "$request.customer"; expected one of: customer_id',
        'domains/customers.yaml:10:17: unknown reference "${profil.name}"; expected a reference to one of: request, profile, orders',
        'domains/customers.yaml:11:20: malformed reference "$profile.addresses[first]"; expected $name followed by .field or [index] steps, or ${name.field} inside text',
        'domains/customers.yaml:12:19: malformed reference "${profile.name"; expected $name followed by .field or [index] steps, or ${name.field} inside text',
        'domains/customers.yaml:13:15: unknown reference "$profle" in when; expected one of: $request, $profile, $orders',
        'domains/customers.yaml:17:41: unknown reference "$item"; expected a reference to one of: request, profile, orders, order',
        'domains/customers.yaml:18:20: unknown reference "$shipping" in transform; expected one of: $request, $profile, $orders',
        'domains/customers.yaml:20:25: unknown reference "$order"; expected a reference to one of: request, profile, orders',
        'domains/customers.yaml:21:16: unknown request parameter "customerid" in "$request.customerid"; expected one of: customer_id',
      ]);
    });

    it('reports invalid JSONata with the position inside the expression', async () => {
      expect(
        await problemsOf({
          'domains/customers.yaml': lines(
            'endpoints:',
            '  get_customer:',
            '    data_sources:',
            '      - name: profile',
            '        type: text',
            '        when: $request.active = (true',
            '    transform: "$.{ name: }"',
          ),
        }),
      ).toEqual([
        'domains/customers.yaml:6:15: invalid JSONata in when: Expected ")" before end of expression at character 23; expected a JSONata expression',
        'domains/customers.yaml:7:16: invalid JSONata in transform: The symbol "}" cannot be used as a unary operator at character 11; expected a JSONata expression',
      ]);
    });

    it('names every dependency cycle, self-references included', async () => {
      expect(
        await problemsOf({
          'domains/customers.yaml': lines(
            'endpoints:',
            '  get_customer:',
            '    data_sources:',
            '      - { name: profile, type: text, params: { id: $features.customer_id } }',
            '      - { name: features, type: text, params: { id: $scores.id } }',
            '      - { name: scores, type: text, when: $profile.active }',
            '      - { name: orders, type: text, params: { next: $orders.next } }',
            '    primary_source: profile',
          ),
        }),
      ).toEqual([
        'domains/customers.yaml:4:9: dependency cycle: profile → features → scores → profile; expected sources that do not wait for each other in a loop',
        'domains/customers.yaml:7:9: dependency cycle: orders → orders; expected sources that do not wait for each other in a loop',
      ]);
    });

    it('reports duplicate and reserved source names, a foreach name that hides one, and an unknown primary source', async () => {
      expect(
        await problemsOf({
          'domains/customers.yaml': lines(
            'endpoints:',
            '  get_customer:',
            '    data_sources:',
            '      - { name: profile, type: text }',
            '      - { name: profile, type: text }',
            '      - { name: request, type: text }',
            '      - { name: orders, type: text, foreach: { items: $request.ids, as: profile } }',
            '      - { name: lines, type: text, foreach: { items: $orders } }',
            '    primary_source: profil',
          ),
        }),
      ).toEqual([
        'domains/customers.yaml:5:17: duplicate source name "profile" (first declared at 4:17); expected each source of endpoint "get_customer" to have its own name',
        'domains/customers.yaml:6:17: source name "request" is reserved for the request; expected another name',
        'domains/customers.yaml:7:73: foreach item name "profile" hides the source "profile"; expected another name in foreach.as',
        'domains/customers.yaml:9:21: primary_source "profil" is not a source of endpoint "get_customer"; expected one of: profile, request, orders, lines',
      ]);
    });

    it('reports routes that clash, in one file or across files, at the newer and naming the older', async () => {
      const directory = await directories.write({
        'domains/customers.yaml': lines(
          'endpoints:',
          '  get_customer:',
          '    path: /customers/:id',
          '    data_sources: [{ name: profile, type: text }]',
          '  get_client:',
          '    path: /Customers/{customer_id}',
          '    data_sources: [{ name: profile, type: text }]',
          '  customers_find:',
          '    path: /customers/find',
          '    method: GET',
          '    data_sources: [{ name: profile, type: text }]',
        ),
        'domains/acme.yaml': lines(
          'endpoints:',
          '  find:',
          '    path: /customers/find',
          '    data_sources: [{ name: profile, type: text }]',
        ),
      });
      // acme.yaml is read first, but it is the file that changed last: the one just added.
      await touch(join(directory, 'domains/customers.yaml'), 1_000);
      await touch(join(directory, 'domains/acme.yaml'), 2_000);

      expect(await problemsIn(directory)).toEqual([
        'domains/acme.yaml:2:3: duplicate route GET /customers/find: endpoint "acme.find" has the route of endpoint "customers.customers_find" (GET /customers/find) at domains/customers.yaml:8:3; expected a method and path of its own',
        'domains/customers.yaml:5:3: duplicate route GET /Customers/:customer_id: endpoint "customers.get_client" has the route of endpoint "customers.get_customer" (GET /customers/:id) at domains/customers.yaml:2:3; expected a method and path of its own',
      ]);
    });

    it('keeps endpoints of the same name in two domains apart, and reports a name twice in one domain', async () => {
      const getCustomer = (path: string) =>
        lines(
          'endpoints:',
          '  get_customer:',
          `    path: ${path}`,
          '    data_sources: [{ name: profile, type: text }]',
        );
      const twoDomains = await load({
        'domains/customers.yaml': getCustomer('/customers/{id}'),
        'domains/acme.yaml': getCustomer('/acme/customers/{id}'),
      });
      expect(twoDomains.problems).toEqual([]);
      expect(
        twoDomains.snapshot?.endpoints.map(
          ({ definition: { domain, name, path } }) => `${domain}.${name} ${path}`,
        ),
      ).toEqual(['acme.get_customer /acme/customers/:id', 'customers.get_customer /customers/:id']);

      // One domain in two files: customers.yml is the newer.
      const directory = await directories.write({
        'domains/customers.yaml': getCustomer('/customers/{id}'),
        'domains/customers.yml': getCustomer('/v2/customers/{id}'),
      });
      await touch(join(directory, 'domains/customers.yaml'), 1_000);
      await touch(join(directory, 'domains/customers.yml'), 2_000);
      expect(await problemsIn(directory)).toEqual([
        'domains/customers.yml:2:3: endpoint "get_customer" of domain "customers" is also declared at domains/customers.yaml:2:3; expected endpoint names unique within a domain',
      ]);
      await touch(join(directory, 'domains/customers.yaml'), 3_000);
      expect(await problemsIn(directory)).toEqual([
        'domains/customers.yaml:2:3: endpoint "get_customer" of domain "customers" is also declared at domains/customers.yml:2:3; expected endpoint names unique within a domain',
      ]);
    });

    it('reports path parameters that the path and the request disagree on, and body parameters of a GET', async () => {
      expect(
        await problemsOf({
          'domains/orders.yaml': lines(
            'endpoints:',
            '  get_order:',
            '    path: /orders/:order_id/lines/:line',
            '    method: GET',
            '    request:',
            '      order_id: { in: path }',
            '      customer_id: { in: path }',
            '      filter: { in: body, type: object }',
            '    data_sources: [{ name: order, type: text }]',
          ),
        }),
      ).toEqual([
        'domains/orders.yaml:3:11: path parameter ":line" is not declared; expected a request parameter "line" with in: path',
        'domains/orders.yaml:7:26: request parameter "customer_id" is in the path, but path /orders/:order_id/lines/:line has no :customer_id segment; expected the path to contain :customer_id',
        'domains/orders.yaml:8:21: request parameter "filter" is in the body of a GET endpoint; expected method POST, PUT, PATCH or a parameter in the path or query',
      ]);
    });

    it('reports request parameter keywords that do not apply to their type', async () => {
      expect(
        await problemsOf({
          'domains/orders.yaml': lines(
            'endpoints:',
            '  list_orders:',
            '    request:',
            '      limit: { type: string, minimum: 1 }',
            '    data_sources: [{ name: orders, type: text }]',
            '  upload_orders:',
            '    request:',
            '      upload: { type: file, in: query }',
            '    data_sources: [{ name: orders, type: text }]',
          ),
        }),
      ).toEqual([
        'domains/orders.yaml:4:7: request parameter "limit" has an invalid schema: strict mode: missing type "number" for keyword "minimum" at "#" (strictTypes); expected JSON Schema keywords that apply to a string',
        'domains/orders.yaml:8:33: endpoints.upload_orders.request.upload.in: got "query"; expected "body" (a file is a part of a multipart body)',
      ]);
    });

    it('reports unset environment variables without a default, and duplicate integrations', async () => {
      expect(
        await problemsOf(
          {
            'integrations/crm.yaml': lines(
              'integrations:',
              '  crm:',
              '    base_url: http://${CRM_HOST}:${CRM_PORT:-80}/api',
              '    operations: { get: { path: "/x" } }',
            ),
            'integrations/crm_copy.yaml': lines(
              'integrations:',
              '  crm:',
              '    base_url: http://localhost',
              '    operations: { get: { path: "/x" } }',
            ),
          },
          { CRM_PORT: '8080' },
        ),
      ).toEqual([
        'integrations/crm.yaml:3:15: environment variable CRM_HOST is not set; expected it set, or a default as ${CRM_HOST:-value}',
        'integrations/crm_copy.yaml:2:3: integration "crm" is already declared at integrations/crm.yaml:2:3; expected integration names unique across files',
      ]);
    });

    it('reports an integration that does not match the api format', async () => {
      expect(
        await problemsOf({
          'integrations/crm.yaml': lines(
            'integrations:',
            '  crm:',
            '    base_url: http://crm.internal',
            '    auth: { type: api_key, key_env: CRM_KEY }',
            '    operations: { get: { path: /x, method: FETCH } }',
          ),
        }),
      ).toEqual([
        'integrations/crm.yaml:4:11: integrations.crm.auth: got an object; expected exactly one of: `header: <name>` or `in: query` with `name: <parameter>`',
        'integrations/crm.yaml:5:44: integrations.crm.operations.get.method: got "FETCH"; expected one of: GET, HEAD, POST, PUT, PATCH, DELETE',
      ]);
    });

    it('reports a feast.yaml operation that does not match the feast format', async () => {
      expect(
        await problemsOf(
          {
            'feast.yaml': lines(
              'operations:',
              '  both:',
              '    feature_service: customer_features',
              '    features: [customer_stats:total_balance]',
              '    entities: [customer_id]',
              '  neither: { entities: [] }',
              '  unnamed: { features: [total_balance], entities: [customer_id], join_keys: [customer_id] }',
            ),
          },
          {},
          withFilesOfTheirOwn,
        ),
      ).toEqual([
        'feast.yaml:3:5: operations.both: got an object; expected exactly one of: `feature_service: <name>` or `features: [<feature_view>:<feature>, …]`',
        'feast.yaml:6:12: operations.neither: got an object; expected exactly one of: `feature_service: <name>` or `features: [<feature_view>:<feature>, …]`',
        'feast.yaml:6:24: operations.neither.entities: got an array; expected at least 1 item',
        'feast.yaml:7:25: operations.unnamed.features[0]: got "total_balance"; expected a <feature_view>:<feature> reference',
        'feast.yaml:7:66: operations.unnamed: unknown property "join_keys"; expected one of: description, feature_service, features, entities, full_feature_names',
      ]);
    });

    it.each([
      [
        'what a compile step finds, at its file',
        lines('connections:', '  main: { type: sqlite, host: db }'),
        'database.yaml:2:9: connections.main: host is for postgres connections; a sqlite connection takes path',
      ],
      [
        'a value whose variable is unset once, not again by the pattern it then fails',
        lines('connections:', '  reporting: { url: "${REPORTING_URL}" }'),
        'database.yaml:2:21: environment variable REPORTING_URL is not set; expected it set, or a default as ${REPORTING_URL:-value}',
      ],
    ])('reports %s', async (_case, databaseFile, problem) => {
      expect(await problemsOf({ 'database.yaml': databaseFile }, {}, withFilesOfTheirOwn)).toEqual([problem]);
    });

    it('checks no source against a section that is invalid: its file says what is wrong', async () => {
      const database = {
        ...fakeAdapter('database', [], databaseSection),
        validate: () => [{ path: ['operation'], message: 'checked against an invalid database.yaml' }],
      };
      expect(
        await problemsOf(
          {
            'database.yaml': lines('operations:', '  get_customer: { connection: main, sql: "select 1" }'),
            'domains/customers.yaml': lines(
              'endpoints:',
              '  get_customer:',
              '    data_sources: [{ name: profile, type: database, operation: get_customer }]',
            ),
          },
          {},
          adaptersOf(database),
        ),
      ).toEqual(['database.yaml:2:17: operations.get_customer: missing required property "result"']);
    });

    it('refuses a file that two source types claim, naming both, and reads it for the first only', async () => {
      const { problems, warnings } = await load(
        { 'feast.yaml': lines('operations: {}') },
        {},
        adaptersOf(fakeAdapter('feast', [], feastSection), fakeAdapter('features', [], feastSection)),
      );

      expect({ problems: problems.map(formatProblem), warnings }).toEqual({
        problems: [
          'feast.yaml is claimed by source type feast and by source type features; expected each file of a configuration directory read by one source type',
        ],
        warnings: [],
      });
    });

    it('refuses a source type that claims the engine’s own files', async () => {
      const claiming = {
        ...fakeAdapter('settings'),
        section: { ...feastSection, files: { file: 'config.yaml' } },
      };

      expect((await load({}, {}, adaptersOf(claiming))).problems.map(formatProblem)).toEqual([
        'config.yaml is claimed by the engine and by source type settings; expected each file of a configuration directory read by one source type',
      ]);
    });

    it('says which top-level files no registered source type reads, and serves without them', async () => {
      const { snapshot, warnings } = await load({
        'feast.yaml': lines('operations: {}'),
        'domains/search.yaml': happyPath['domains/search.yml'],
        'notes.txt': 'not YAML: not said',
      });

      expect(snapshot).toBeDefined();
      expect(warnings.map(formatProblem)).toEqual([
        'feast.yaml: is not read: no registered source type owns it; the files read are config.yaml, integrations/*.yaml, and domains/*.yaml',
      ]);
    });

    it('reports a domain whose name cannot begin a route', async () => {
      expect(await problemsOf({ 'domains/my customers.yaml': happyPath['domains/search.yml'] })).toEqual([
        'domains/my customers.yaml: domain name "my customers" cannot begin a route; expected a file name made of letters, digits, - and _',
      ]);
    });

    it('reports a directory that does not exist', async () => {
      const { snapshot, problems } = await loader.load('/nonexistent/config', adapters);

      expect(snapshot).toBeUndefined();
      expect(problems.map(formatProblem)).toEqual([
        '/nonexistent/config: configuration directory /nonexistent/config does not exist; expected a directory with config.yaml, domains/ and integrations/',
      ]);
    });
  });
});

describe('readSection', () => {
  const directories = new ConfigurationDirectories();
  afterAll(() => directories.removeAll());
  const databaseFile = lines(
    'connections:',
    '  main:',
    '    url: ${DATABASE_URL:-sqlite:data/main.sqlite}',
    '    password_env: DATABASE_PASSWORD',
    '  reporting:',
    '    url: ${REPORTING_URL}',
  );
  const read = (directory: string, environment: Record<string, string>) =>
    readSection(directory, 'database', databaseSection, environment);

  it('reads one source type’s file alone, environment replaced, and compiles it', async () => {
    const directory = await directories.write({
      'database.yaml': databaseFile,
      'domains/broken.yaml': 'x: [',
    });

    expect(await read(directory, { REPORTING_URL: 'postgres://reports@db/reports' })).toEqual({
      compiled: {
        connections: {
          main: { type: 'sqlite', path: 'data/main.sqlite' },
          reporting: { type: 'postgres', url: 'postgres://reports@db/reports' },
        },
        operations: {},
      },
      problems: [],
    });
  });

  it('names an unset variable where it is used, once, and answers nothing for a directory without the file', async () => {
    const { compiled, problems } = await read(await directories.write({ 'database.yaml': databaseFile }), {});
    expect(compiled).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'database.yaml:6:10: environment variable REPORTING_URL is not set; expected it set, or a default as ${REPORTING_URL:-value}',
    ]);
    expect(await read(await directories.write({ 'config.yaml': 'settings: {}\n' }), {})).toEqual({
      problems: [],
    });
  });
});
