import { parse } from 'yaml';
import type { RequestParameter } from '../model';
import { ConfigurationFile } from './configuration.file';
import { DEFAULT_SETTINGS } from './configuration.loader';
import { formatProblem } from './configuration.report';
import { lines } from './configuration.test-harness';
import { readEndpoint, type EndpointDeclaration } from './endpoint.reader';

/** Reads the one endpoint of a domain file `domains/shop.yaml` made of `text`. */
async function read(...text: string[]) {
  const source = lines('endpoints:', ...text);
  const [[name, declaration]] = Object.entries(
    (parse(source) as { endpoints: Record<string, EndpointDeclaration> }).endpoints,
  );
  const file = ConfigurationFile.parse('domains/shop.yaml', source);
  const { definition, problems } = await readEndpoint(file, 'shop', name, declaration, DEFAULT_SETTINGS);
  return { definition, problems: problems.map(formatProblem) };
}

const required = (name: string, location: RequestParameter['in']): RequestParameter => ({
  name,
  in: location,
  type: 'string',
  required: true,
});

describe('readEndpoint', () => {
  describe('without a request block, each $request.<name> declares a parameter', () => {
    it('in the query of a GET, a required string, whatever reads it: params, foreach, when, transforms, the mapping', async () => {
      const { definition, problems } = await read(
        '  get_order:',
        '    data_sources:',
        '      - name: order',
        '        type: api',
        '        params: { id: $request.order_id, label: "order ${request.label}" }',
        '        when: $request.include = "yes"',
        '      - name: lines',
        '        type: api',
        '        foreach: { items: $request.lines }',
        '        params: { line: $item }',
        '        transform: $filter($, function($l) { $l.sku = $request.sku })',
        '    response_mapping: { order: $order, note: $request.note }',
        '    transform: "$merge([$, { \'id\': $request.order_id }])"',
      );

      expect(problems).toEqual([]);
      expect(definition).toMatchObject({ method: 'GET', path: '/shop/get-order' });
      expect(definition.request).toEqual(
        ['order_id', 'label', 'include', 'lines', 'sku', 'note'].map((name) => required(name, 'query')),
      );
    });

    it('in the path when its declared path has the segment, which is a parameter even when nothing reads it', async () => {
      const { definition, problems } = await read(
        '  get_line:',
        '    path: /orders/{order_id}/lines/:line/{format}',
        '    data_sources:',
        '      - name: line',
        '        type: api',
        '        params: { order: $request.order_id, line: $request.line, fields: $request.fields }',
      );

      expect(problems).toEqual([]);
      expect(definition.request).toEqual([
        required('order_id', 'path'),
        required('line', 'path'),
        required('format', 'path'),
        required('fields', 'query'),
      ]);
    });

    it.each([
      ['POST', 'body'],
      ['PUT', 'body'],
      ['PATCH', 'body'],
      ['DELETE', 'query'],
    ] as const)('of a %s endpoint, in its %s', async (method, location) => {
      const { definition } = await read(
        '  change_order:',
        `    method: ${method}`,
        '    data_sources: [{ name: order, type: api, params: { id: $request.order_id } }]',
      );

      expect(definition.request).toEqual([required('order_id', location)]);
    });

    it('and none when nothing reads the request', async () => {
      const { definition } = await read('  ping:', '    data_sources: [{ name: pong, type: text }]');

      expect(definition.request).toEqual([]);
    });
  });

  describe('with a request block', () => {
    it('takes exactly the parameters it declares, with their own type and defaults', async () => {
      const { definition, problems } = await read(
        '  get_order:',
        '    path: /orders/{order_id}',
        '    request:',
        '      order_id: { in: path, type: integer }',
        '      limit: { type: integer, default: 10 }',
        '      ids: { type: array, items: { type: string } }',
        '    data_sources:',
        '      - name: order',
        '        type: api',
        '        params: { id: $request.order_id, limit: $request.limit, ids: $request.ids }',
      );

      expect(problems).toEqual([]);
      expect(definition.request).toEqual([
        { name: 'order_id', in: 'path', type: 'integer', required: true },
        { name: 'limit', in: 'query', type: 'integer', required: false, schema: { default: 10 } },
        { name: 'ids', in: 'query', type: 'array', required: false, schema: { items: { type: 'string' } } },
      ]);
    });

    it('refuses a reference to a parameter it does not declare', async () => {
      const { problems } = await read(
        '  get_order:',
        '    request:',
        '      order_id: {}',
        '    data_sources: [{ name: order, type: api, params: { id: $request.order } }]',
      );

      expect(problems).toEqual([
        'domains/shop.yaml:5:60: unknown request parameter "order" in "$request.order"; expected one of: order_id',
      ]);
    });
  });
});
