import { Injectable, Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { DownstreamError, loggingModule } from '@libs/core/http';
import { configurationReloads } from '@libs/core/metrics';
import {
  SourceAdapterFor,
  type SourceAdapter,
  type SourceCall,
  type ConfigurationSections,
} from '@libs/core/sources';
import { startService, type RunningService } from '@libs/core/testing';
import Ajv from 'ajv';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { from, map, throwError, timer } from 'rxjs';
import { ConfigurationDirectories, lines } from '../config/configuration.test-harness';
import { JsonataExpression } from '../execution/jsonata.expression';
import { executionTrackingEnvironment } from '../tracking/execution-tracking.config';
import { engineEnvironment } from './engine.config';
import { EngineModule } from './engine.module';
import { EndpointDocumentation } from './endpoint.openapi';

/**
 * Answers `{ id, label }` after 10 ms; `fail: true` makes it unavailable; an uploaded `file` is
 * read through and answered with its name and size.
 */
@Injectable()
@SourceAdapterFor('echo')
class EchoAdapter implements SourceAdapter {
  readonly type = 'echo';
  /** The sections of each configuration this adapter was told started serving. */
  readonly activated: ConfigurationSections[] = [];

  activate(sections: ConfigurationSections) {
    this.activated.push(sections);
  }

  execute({ source, params }: SourceCall) {
    const file = params['file'] as { stream: Readable; filename: string } | undefined;
    if (file) {
      return from(
        (async () => {
          let bytes = 0;
          for await (const chunk of file.stream) bytes += (chunk as Buffer).length;
          return { filename: file.filename, bytes, note: params['note'] };
        })(),
      );
    }
    return params['fail']
      ? throwError(() => new DownstreamError(source, 'unavailable', `${source} is down`))
      : timer(10).pipe(map(() => ({ id: params['id'], label: `item ${String(params['id'])}` })));
  }
}

@Module({ providers: [EchoAdapter] })
class EchoModule {}

const domain = (extraEndpoint = '') =>
  lines(
    'endpoints:',
    '  get_item:',
    '    path: /items/{id}',
    '    request:',
    '      id: { in: path, type: integer, minimum: 1 }',
    '      flaky: { in: query, type: boolean, default: false }',
    '    data_sources:',
    '      - name: item',
    '        type: echo',
    '        params: { id: $request.id }',
    '      - name: extra',
    '        type: echo',
    '        params: { id: $item.id, fail: $request.flaky }',
    '        optional: true',
    '        default: { label: none }',
    '    primary_source: item',
    '    response_mapping:',
    '      id: $item.id',
    '      title: ${item.label} / ${extra.label}',
    '  broken_item:',
    '    path: /broken/{id}',
    '    request:',
    '      id: { in: path, type: integer }',
    '    data_sources:',
    '      - name: item',
    '        type: echo',
    '        params: { id: $request.id, fail: true }',
    '    response_mapping: null',
    extraEndpoint,
  );

interface Envelope {
  message: string;
  fields: { field: string }[];
}
interface TracedBody {
  _meta: { sources: { name: string }[] };
}
interface ConfigStatusBody {
  endpoints: { domain: string; name: string; path: string }[];
  lastError: { problems: string[] };
}
interface OpenApiOperation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: { type: string } }[];
  requestBody?: { content: Record<string, { schema: { properties: object; required: string[] } }> };
}
interface OpenApiBody {
  paths: Record<string, { get: OpenApiOperation; post: OpenApiOperation }>;
}
const jsonOf = async <T>(res: Response): Promise<T> => (await res.json()) as T;

const upload = lines(
  'endpoints:',
  '  upload_item:',
  '    request:',
  '      note: { in: body }',
  '      file: { in: body, type: file, required: true }',
  '    data_sources:',
  '      - name: stored',
  '        type: echo',
  '        params: { file: $request.file, note: $request.note }',
);

/** Endpoints without a `request` block, whose references declare their parameters. */
const lookup = lines(
  'endpoints:',
  '  find_item:',
  '    data_sources:',
  '      - name: item',
  '        type: echo',
  '        params: { id: $request.id }',
  '  get_item:', // the name of an endpoint of the shop domain too
  '    path: /lookup/items/{id}',
  '    data_sources:',
  '      - name: item',
  '        type: echo',
  '        params: { id: $request.id }',
  '        when: $request.note != "skip"',
  '    response_mapping: { id: $item.id, domain: lookup }',
  '  rename_item:',
  '    method: POST',
  '    data_sources:',
  '      - name: item',
  '        type: echo',
  '        params: { id: $request.id }',
  '  find_items:',
  '    request:',
  '      ids: { type: array, items: { type: integer } }',
  '    data_sources:',
  '      - name: item',
  '        type: echo',
  '        params: { id: $request.ids }',
);

const renamedEndpoint = lines(
  '  get_item_v2:',
  '    path: /v2/items/{id}',
  '    request:',
  '      id: { in: path, type: integer }',
  '    data_sources:',
  '      - name: item',
  '        type: echo',
  '        params: { id: $request.id }',
  '    response_mapping: { id: $item.id, version: 2 }',
);

describe('EngineModule over HTTP', () => {
  const directories = new ConfigurationDirectories();
  let directory: string;
  let service: RunningService;
  // The admin token also reads execution records and traces.
  const get = (path: string, headers: Record<string, string> = { authorization: 'Bearer s3cret' }) =>
    fetch(`${service.url}${path}`, { headers });
  const reload = () =>
    fetch(`${service.url}/admin/config/reload`, {
      method: 'POST',
      headers: { authorization: 'Bearer s3cret' },
    });

  beforeAll(async () => {
    directory = await directories.write({
      'config.yaml': 'settings: { request_deadline_ms: 2000 }\n',
      'domains/shop.yaml': domain(),
      'domains/lookup.yaml': lookup,
      'domains/uploads.yaml': upload,
    });
    service = await startService(
      async () => {
        @Module({
          imports: [
            configurationModule({ ...engineEnvironment, ...executionTrackingEnvironment }),
            loggingModule('engine-test'),
            EchoModule,
            EngineModule,
          ],
        })
        class EngineTestModule {}
        return EngineTestModule;
      },
      {
        CONFIG_DIR: directory,
        CONFIG_WATCH_DEBOUNCE_MS: '50',
        ORCHESTRATOR_ADMIN_TOKEN: 's3cret',
        UPLOAD_MAX_BYTES: '1000',
      },
      { documentExtension: (app) => app.get(EndpointDocumentation) },
    );
  });
  afterAll(async () => {
    await service.app.close();
    await directories.removeAll();
  });

  it('serves a YAML endpoint, and records its execution', async () => {
    const res = await get('/items/7', { 'x-request-id': 'engine-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 7, title: 'item 7 / item 7' });
    const executionId = res.headers.get('x-execution-id');
    expect(res.headers.get('x-config-version')).toMatch(/^[0-9a-f]{12}$/);

    const record = await (await get(`/executions/${executionId}`)).json();
    expect(record).toMatchObject({
      id: executionId,
      requestId: 'engine-1',
      endpoint: 'shop.get_item',
      status: 'ok',
      statusCode: 200,
      sources: [
        { name: 'item', status: 'ok', params: { id: 7 }, attempts: 1 },
        { name: 'extra', status: 'ok', params: { id: 7, fail: false } },
      ],
    });
  });

  it('serves from what the loader compiled: no request compiles a validator or parses an expression', async () => {
    const compiles = jest.spyOn(Ajv.prototype, 'compile');
    const parses = jest.spyOn(JsonataExpression, 'parse');
    try {
      expect((await get('/items/3')).status).toBe(200);
      expect((await get('/items/0')).status).toBe(400);
      // Its source has a `when`, evaluated from the plan.
      expect(await (await get('/lookup/items/4?note=keep')).json()).toEqual({ id: '4', domain: 'lookup' });
      expect(compiles).not.toHaveBeenCalled();
      expect(parses).not.toHaveBeenCalled();
    } finally {
      compiles.mockRestore();
      parses.mockRestore();
    }
  });

  describe('an endpoint without a request block', () => {
    const fieldsOf = async (res: Response) => {
      expect(res.status).toBe(400);
      const body = await jsonOf<Envelope & { statusCode: number; fields: { errors: string[] }[] }>(res);
      expect(body.statusCode).toBe(400);
      return body.fields;
    };

    it('takes each $request.<name> it reads from the query of a GET, as text, at the default route', async () => {
      expect(await (await get('/lookup/find-item?id=7')).json()).toEqual({ id: '7', label: 'item 7' });
    });

    it('answers 400 naming a parameter that is missing', async () => {
      expect(await fieldsOf(await get('/lookup/find-item'))).toEqual([
        { field: 'id', errors: ['id is required'] },
      ]);
      expect(await fieldsOf(await get('/lookup/items/3'))).toEqual([
        { field: 'note', errors: ['note is required'] },
      ]);
    });

    it('answers 400 to a query parameter given twice, which only a declared array takes', async () => {
      const [repeated] = await fieldsOf(await get('/lookup/find-item?id=1&id=2'));
      expect(repeated).toEqual({
        field: 'id',
        errors: [expect.stringMatching(/^id is given more than once; /)],
      });

      expect(await (await get('/lookup/find-items?ids=1&ids=2')).json()).toMatchObject({ id: [1, 2] });
      expect(await (await get('/lookup/find-items?ids=3')).json()).toMatchObject({ id: [3] });
    });

    it('takes them from the JSON body of a POST', async () => {
      const post = (body: unknown) =>
        fetch(`${service.url}/lookup/rename-item`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect(await (await post({ id: 'a1' })).json()).toEqual({ id: 'a1', label: 'item a1' });
      expect(await fieldsOf(await post({}))).toEqual([{ field: 'id', errors: ['id is required'] }]);
    });

    it('takes the segments of its declared path as path parameters', async () => {
      expect(await (await get('/lookup/items/12?note=hi')).json()).toEqual({ id: '12', domain: 'lookup' });
    });

    it('documents them in OpenAPI, so that a client can send them', async () => {
      const { paths } = await jsonOf<OpenApiBody>(await get('/docs-json'));
      const parameters = (operation: OpenApiOperation) =>
        operation.parameters.map(({ name, in: location, required, schema }) => [
          name,
          location,
          required,
          schema.type,
        ]);

      expect(parameters(paths['/lookup/find-item'].get)).toEqual([
        ['id', 'query', true, 'string'],
        ['_trace', 'query', false, 'boolean'],
      ]);
      expect(parameters(paths['/lookup/items/{id}'].get)).toEqual([
        ['id', 'path', true, 'string'],
        ['note', 'query', true, 'string'],
        ['_trace', 'query', false, 'boolean'],
      ]);
      expect(paths['/lookup/rename-item'].post.requestBody?.content['application/json'].schema).toMatchObject(
        {
          properties: { id: { type: 'string' } },
          required: ['id'],
        },
      );
    });
  });

  it('serves endpoints of the same name in two domains, and tells them apart in records and documentation', async () => {
    const shop = await get('/items/8');
    const lookupItem = await get('/lookup/items/8?note=hi');
    expect(await shop.json()).toEqual({ id: 8, title: 'item 8 / item 8' });
    expect(await lookupItem.json()).toEqual({ id: '8', domain: 'lookup' });

    const recorded = async (res: Response) =>
      (await jsonOf<{ endpoint: string }>(await get(`/executions/${res.headers.get('x-execution-id')}`)))
        .endpoint;
    expect(await recorded(shop)).toBe('shop.get_item');
    expect(await recorded(lookupItem)).toBe('lookup.get_item');
    const { executions } = await jsonOf<{ executions: { id: string }[] }>(
      await get('/executions?endpoint=lookup.get_item'),
    );
    expect(executions.map(({ id }) => id)).toContain(lookupItem.headers.get('x-execution-id'));
    expect(executions.map(({ id }) => id)).not.toContain(shop.headers.get('x-execution-id'));

    const { paths } = await jsonOf<OpenApiBody>(await get('/docs-json'));
    expect([paths['/items/{id}'].get.operationId, paths['/lookup/items/{id}'].get.operationId]).toEqual([
      'shop.get_item',
      'lookup.get_item',
    ]);
  });

  it('streams a multipart file parameter to its source, and refuses a declared size over the limit', async () => {
    const form = new FormData();
    form.append('note', 'first');
    form.append('file', new Blob([Buffer.alloc(600)]), 'small.wav');
    const res = await fetch(`${service.url}/uploads/upload-item`, { method: 'POST', body: form });
    expect(await res.json()).toEqual({ filename: 'small.wav', bytes: 600, note: 'first' });

    const large = new FormData();
    large.append('file', new Blob([Buffer.alloc(2000)]), 'large.wav');
    const refused = await fetch(`${service.url}/uploads/upload-item`, { method: 'POST', body: large });
    expect(refused.status).toBe(413);
    const json = await fetch(`${service.url}/uploads/upload-item`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('refuses invalid parameters with a 400 listing them', async () => {
    const res = await get('/items/0?flaky=maybe');
    expect(res.status).toBe(400);
    const body = await jsonOf<Envelope>(res);
    expect(body.fields.map((field: { field: string }) => field.field).sort()).toEqual(['flaky', 'id']);
  });

  it('answers with the default of a failed optional source, and says it is degraded', async () => {
    const res = await get('/items/3?flaky=true');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-degraded-sources')).toBe('extra');
    expect(await res.json()).toEqual({
      id: 3,
      title: 'item 3 / none',
      _meta: { execution_id: res.headers.get('x-execution-id'), degraded: ['extra'] },
    });
  });

  it('maps a failed required source to its status, naming it, and records the failure', async () => {
    const res = await get('/broken/1');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ statusCode: 503, source: 'item', message: 'item is down' });
    const record = await (await get(`/executions/${res.headers.get('x-execution-id')}`)).json();
    expect(record).toMatchObject({
      status: 'failed',
      statusCode: 503,
      sources: [{ name: 'item', status: 'failed' }],
    });
  });

  it('returns the trace inline when asked', async () => {
    const body = await jsonOf<TracedBody>(await get('/items/5?_trace=true'));
    expect(body._meta.sources.map((source) => source.name)).toEqual(['item', 'extra']);
  });

  it('keeps admin routes behind the token', async () => {
    expect((await fetch(`${service.url}/admin/config/reload`, { method: 'POST' })).status).toBe(401);
    const status = await jsonOf<ConfigStatusBody>(
      await get('/admin/config', { authorization: 'Bearer s3cret' }),
    );
    expect(status.endpoints.map(({ domain, name, path }) => `${domain}.${name} ${path}`).sort()).toEqual([
      'lookup.find_item /lookup/find-item',
      'lookup.find_items /lookup/find-items',
      'lookup.get_item /lookup/items/:id',
      'lookup.rename_item /lookup/rename-item',
      'shop.broken_item /broken/:id',
      'shop.get_item /items/:id',
      'uploads.upload_item /uploads/upload-item',
    ]);
  });

  it('refuses an invalid reload whole, and the old configuration keeps serving', async () => {
    const activations = service.app.get(EchoAdapter).activated.length;
    const serving = (await get('/items/2')).headers.get('x-config-version');
    const reported: unknown[] = [];
    const stopObserving = configurationReloads.subscribe((reload) => reported.push(reload));
    await writeFile(join(directory, 'domains/shop.yaml'), domain().replace('type: echo', 'type: ech0'));
    const res = await reload();
    stopObserving();
    expect(res.status).toBe(422);
    // For the metrics: refused, and the version serving still the one before.
    expect(reported).toContainEqual({ applied: false, version: serving });
    expect(reported).not.toContainEqual(expect.objectContaining({ applied: true }));
    expect(service.app.get(EchoAdapter).activated).toHaveLength(activations);
    expect((await jsonOf<Envelope>(res)).message).toMatch(/domains\/shop\.yaml:\d+:\d+: .*ech0/);
    expect((await get('/items/2')).status).toBe(200);
    const status = await jsonOf<ConfigStatusBody>(
      await get('/admin/config', { authorization: 'Bearer s3cret' }),
    );
    expect(status.lastError.problems.join('\n')).toContain('ech0');
  });

  it('serves and documents a new endpoint after a reload, without a restart', async () => {
    const { activated } = service.app.get(EchoAdapter);
    const activations = activated.length;
    await writeFile(join(directory, 'domains/shop.yaml'), domain(renamedEndpoint));
    const res = await reload();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ applied: true, problems: [] });
    // At least once: the directory's watcher may have applied the same change too.
    expect(activated.length).toBeGreaterThan(activations);
    expect(activated.at(-1)?.settings).toEqual({ request_deadline_ms: 2000 });
    expect(await (await get('/v2/items/4')).json()).toEqual({ id: 4, version: 2 });
    const document = await jsonOf<OpenApiBody>(await get('/docs-json'));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/items/{id}', '/v2/items/{id}']));
    expect(document.paths['/items/{id}'].get.parameters.map((parameter) => parameter.name)).toEqual([
      'id',
      'flaky',
      '_trace',
    ]);
  });

  it('reloads by itself when a file of the directory changes', async () => {
    const before = (await get('/items/1')).headers.get('x-config-version');
    await writeFile(
      join(directory, 'domains/more.yaml'),
      lines('endpoints:', renamedEndpoint.replace('get_item_v2', 'get_item_v3').replace('/v2/', '/v3/')),
    );
    let version = before;
    for (let i = 0; i < 100 && version === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      version = (await get('/items/1')).headers.get('x-config-version');
    }
    expect(version).not.toBe(before);
    expect((await get('/v3/items/9')).status).toBe(200);
  });
});
