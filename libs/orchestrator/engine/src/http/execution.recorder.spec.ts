import { BadRequestException, Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { failureOf } from '@libs/core/testing';
import { SourceAdapterFor, type SourceCall } from '@libs/core/sources';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NEVER, Observable, concat, firstValueFrom, last, map, merge, of, switchMap } from 'rxjs';
import { DEFAULT_SETTINGS } from '../config/configuration.loader';
import { SourceAdapterRegistry } from '../config/source-adapter.registry';
import { EndpointExecutor } from '../execution/endpoint.executor';
import { EndpointExecutionError } from '../execution/execution.error';
import {
  FakeAdapter,
  answerAfter,
  compiled,
  endpoint,
  failAfter,
  source,
  unavailable,
} from '../execution/execution.test-harness';
import { SourceResultCache } from '../execution/source-result.cache';
import type { ConfigurationSnapshot } from '../model';
import { EXECUTION_STORE } from '../tracking/execution.store';
import { MemoryExecutionStore } from '../tracking/memory-execution.store';
import {
  CONFIG_VERSION_HEADER,
  DEGRADED_SOURCES_HEADER,
  EXECUTION_ID_HEADER,
  ExecutionRecorder,
  type ExecutionRecording,
  type RecordingOptions,
} from './execution.recorder';

/**
 * `item` answers `{ id }` after 5 ms, `extra` fails (unavailable) and `slow` answers after a
 * second: the adapter of every endpoint below, found by the engine's registry.
 */
@Injectable()
@SourceAdapterFor('fake')
class ScriptedAdapter extends FakeAdapter {
  constructor() {
    super({
      item: ({ params }: SourceCall) => answerAfter(5, { id: params['id'] }),
      extra: () => failAfter(5, unavailable('extra')),
      slow: () => answerAfter(1_000, 'late'),
    });
  }
}

const getItem = compiled(
  endpoint(
    [
      source('item', { params: { id: '$request.id' } }),
      source('extra', { params: { id: '$item.id' }, optional: true, default: null }),
    ],
    { domain: 'shop', name: 'get_item', responseMapping: { id: '$item.id', extra: '$extra' } },
  ),
);
const getItemStrictly = compiled(
  endpoint([source('item', { params: { id: '$request.id' } }), source('extra')], {
    domain: 'shop',
    name: 'get_item_strictly',
    responseMapping: { id: '$item.id' },
  }),
);
const waitForIt = compiled(
  endpoint([source('slow')], { domain: 'shop', name: 'wait', primarySource: 'slow' }),
);

const snapshot: ConfigurationSnapshot = {
  version: 'v-recorder',
  loadedAt: new Date().toISOString(),
  directory: 'config',
  settings: { ...DEFAULT_SETTINGS, requestDeadlineMs: 2_000 },
  sections: { settings: {}, compiled: {} },
  summaries: [],
  endpoints: [getItem, getItemStrictly, waitForIt],
};

describe('ExecutionRecorder', () => {
  let recorder: ExecutionRecorder;
  let store: MemoryExecutionStore;
  let adapter: ScriptedAdapter;
  let response: ServerResponse;
  let requests = 0;

  beforeEach(async () => {
    store = new MemoryExecutionStore({ max: 100, ttlSeconds: 60 });
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [
        ExecutionRecorder,
        EndpointExecutor,
        SourceResultCache,
        SourceAdapterRegistry,
        ScriptedAdapter,
        { provide: EXECUTION_STORE, useValue: store },
      ],
    }).compile();
    recorder = moduleRef.get(ExecutionRecorder);
    adapter = moduleRef.get(ScriptedAdapter);
    response = new ServerResponse(new IncomingMessage(new Socket()));
  });

  const optionsFor = (name: string): RecordingOptions => ({
    name,
    snapshot,
    requestId: `request-${++requests}`,
    signal: new AbortController().signal,
    response,
  });
  const record = <T>(name: string, work: (recording: ExecutionRecording) => Observable<T>) =>
    firstValueFrom(recorder.record(optionsFor(name), work));
  const executionId = () => String(response.getHeader(EXECUTION_ID_HEADER));
  const saved = async () => {
    const found = await store.get(executionId());
    if (!found) throw new Error(`no record ${executionId()} was saved`);
    return found;
  };

  it('records a YAML endpoint run under its own name, and sets the headers that point to the record', async () => {
    const recorded = await record('shop.get_item', (recording) =>
      recording.execute(getItem, { params: { id: 7 } }).pipe(map(({ body }) => body)),
    );

    expect(recorded).toMatchObject({
      executionId: executionId(),
      body: { id: 7, extra: null },
      status: 'degraded',
      degraded: ['extra'],
      warnings: [],
    });
    expect(response.getHeader(CONFIG_VERSION_HEADER)).toBe('v-recorder');
    expect(response.getHeader(DEGRADED_SOURCES_HEADER)).toBe('extra');
    const kept = await saved();
    expect(kept).toMatchObject({
      id: executionId(),
      requestId: `request-${requests}`,
      endpoint: 'shop.get_item',
      configVersion: 'v-recorder',
      status: 'degraded',
      statusCode: 200,
      degraded: ['extra'],
      warnings: [],
      sources: [
        { endpoint: 'shop.get_item', name: 'item', status: 'ok', params: { id: 7 }, attempts: 1 },
        { endpoint: 'shop.get_item', name: 'extra', status: 'degraded', error: { statusCode: 503 } },
      ],
    });
    expect(kept.sources).toEqual(recorded.sources);
  });

  it('answers with the first value, not waiting for the rest of the work (an upload read to its end)', async () => {
    const recorded = await record('shop.get_item', (recording) =>
      merge(recording.execute(getItem, { params: { id: 8 } }).pipe(map(({ body }) => body)), NEVER),
    );

    expect(recorded.body).toEqual({ id: 8, extra: null });
    expect(await saved()).toMatchObject({ status: 'degraded', statusCode: 200 });
  });

  it('records every source of every endpoint run in one record, named for what ran them', async () => {
    const recorded = await record('composites.two_items', (recording) =>
      concat(
        recording.execute(getItem, { params: { id: 1 } }),
        recording.execute(getItem, { params: { id: 2 } }),
      ).pipe(
        last(),
        map(() => 'both'),
      ),
    );

    expect(recorded.body).toBe('both');
    // The same source falling back in two runs is one degraded source, named with its endpoint.
    expect(recorded.degraded).toEqual(['shop.get_item.extra']);
    expect(response.getHeader(DEGRADED_SOURCES_HEADER)).toBe('shop.get_item.extra');
    const kept = await saved();
    expect(kept).toMatchObject({ endpoint: 'composites.two_items', status: 'degraded', statusCode: 200 });
    expect(kept.sources.map(({ endpoint: ran, name, params }) => [ran, name, params])).toEqual([
      ['shop.get_item', 'item', { id: 1 }],
      ['shop.get_item', 'extra', { id: 1 }],
      ['shop.get_item', 'item', { id: 2 }],
      ['shop.get_item', 'extra', { id: 2 }],
    ]);
    // One execution: every call had its id, one deadline and one signal.
    const contexts = adapter.calls.map(({ context }) => context);
    expect(contexts).toHaveLength(4);
    expect(new Set(contexts.map(({ executionId: id }) => id))).toEqual(new Set([executionId()]));
    expect(new Set(contexts.map(({ deadline }) => deadline)).size).toBe(1);
  });

  it('records a failed run with its status, after what the runs before it did', async () => {
    const failure = await failureOf<EndpointExecutionError>(
      record('composites.two_items', (recording) =>
        recording
          .execute(getItem, { params: { id: 3 } })
          .pipe(switchMap(() => recording.execute(getItemStrictly, { params: { id: 4 } }))),
      ),
    );

    expect(failure).toBeInstanceOf(EndpointExecutionError);
    expect(failure).toMatchObject({ status: 503, source: 'extra' });
    const kept = await saved();
    expect(kept).toMatchObject({ status: 'failed', statusCode: 503, degraded: ['shop.get_item.extra'] });
    expect(kept.sources.map(({ endpoint: ran, name, status }) => `${ran}.${name} ${status}`)).toEqual([
      'shop.get_item.item ok',
      'shop.get_item.extra degraded',
      'shop.get_item_strictly.item ok',
      'shop.get_item_strictly.extra failed',
    ]);
  });

  it('records the failure of the work itself with the status it is answered with; a bug is not recorded', async () => {
    const refused = await failureOf(
      record('composites.refusing', (recording) =>
        recording.execute(getItem, { params: { id: 5 } }).pipe(
          map(() => {
            throw new BadRequestException('amount must be positive');
          }),
        ),
      ),
    );
    expect(refused).toBeInstanceOf(BadRequestException);
    expect(await saved()).toMatchObject({
      endpoint: 'composites.refusing',
      status: 'failed',
      statusCode: 400,
      sources: [{ name: 'item' }, { name: 'extra' }],
    });

    const bug = await failureOf(
      record('composites.buggy', () =>
        of(1).pipe(
          map(() => {
            throw new TypeError('undefined is not a function');
          }),
        ),
      ),
    );
    expect(bug).toBeInstanceOf(TypeError);
    expect(await store.get(executionId())).toBeUndefined();
  });

  it('records nothing of an execution unsubscribed before it ends: nobody was answered', async () => {
    const subscription = recorder
      .record(optionsFor('shop.wait'), (recording) => recording.execute(waitForIt, { params: {} }))
      .subscribe();
    while (adapter.calls.length === 0) await sleep(5);
    subscription.unsubscribe();

    await sleep(50);
    expect(executionId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.get(executionId())).toBeUndefined();
    expect(await store.list({})).toEqual([]);
  });
});
