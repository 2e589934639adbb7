import { Test } from '@nestjs/testing';
import { DownstreamError } from '@libs/core/http';
import { failureOf } from '@libs/core/testing';
import { NEVER, Observable, firstValueFrom, lastValueFrom, of, throwError, timer } from 'rxjs';
import type { SourceCall } from '@libs/core/sources';
import type { SourceDefinition, SourceTrace } from '../model';
import { EndpointExecutor } from './endpoint.executor';
import { EndpointExecutionError } from './execution.error';
import {
  FakeAdapter,
  answerAfter,
  compiled,
  contextOf,
  endpoint,
  executorOf,
  failAfter,
  source,
  unavailable,
} from './execution.test-harness';
import { SourceResultCache } from './source-result.cache';

const traceOf = (traces: SourceTrace[], name: string) => traces.find((trace) => trace.name === name);
const elapsedSince = (start: number) => performance.now() - start;

describe('EndpointExecutor', () => {
  it('is an injectable provider with its cache', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [EndpointExecutor, SourceResultCache],
    }).compile();
    const adapter = new FakeAdapter({ a: () => of('A') });
    const outcome = await firstValueFrom(
      moduleRef
        .get(EndpointExecutor)
        .execute(
          compiled(endpoint([source('a')], { primarySource: 'a' })),
          { params: {} },
          contextOf(),
          new Map([['fake', adapter]]),
        ),
    );
    expect(outcome.body).toBe('A');
  });

  describe('scheduling', () => {
    it('runs independent sources concurrently: three 50 ms sources take about 50 ms, not 150', async () => {
      const adapter = new FakeAdapter({
        a: () => answerAfter(50, 'A'),
        b: () => answerAfter(50, 'B'),
        c: () => answerAfter(50, 'C'),
      });
      const { run } = executorOf();

      const start = performance.now();
      const outcome = await run(
        endpoint([source('a'), source('b'), source('c')], {
          responseMapping: { values: ['$a', '$b', '$c'] },
        }),
        adapter,
      );

      expect(outcome.body).toEqual({ values: ['A', 'B', 'C'] });
      expect(elapsedSince(start)).toBeLessThan(120);
      expect(adapter.maxInFlight).toBe(3);
    });

    it('starts a dependent source as soon as its own inputs resolve, while others still run', async () => {
      const adapter = new FakeAdapter({
        a: () => answerAfter(50, { id: 'a-1' }),
        b: (call) => answerAfter(50, `b of ${String(call.params['id'])}`),
        c: () => answerAfter(250, 'C'),
      });
      const { run } = executorOf();

      const outcome = await run(
        endpoint([source('a'), source('b', { params: { id: '$a.id' } }), source('c')], {
          responseMapping: { b: '$b', c: '$c' },
        }),
        adapter,
      );

      expect(outcome.body).toEqual({ b: 'b of a-1', c: 'C' });
      const [a, b, c] = ['a', 'b', 'c'].map((name) => adapter.event(name));
      // Orderings, not durations, so that a loaded machine cannot fail it.
      expect(c.startedAt).toBeLessThan(a.endedAt as number);
      expect(b.startedAt).toBeGreaterThanOrEqual(a.endedAt as number);
      expect(b.endedAt).toBeLessThan(c.endedAt as number);
    });

    it('calls a source read by several others once', async () => {
      const adapter = new FakeAdapter({
        profile: () => answerAfter(10, { id: 7 }),
        orders: (call) => of(`orders of ${String(call.params['id'])}`),
        invoices: (call) => of(`invoices of ${String(call.params['id'])}`),
      });
      const { run } = executorOf();

      const outcome = await run(
        endpoint([
          source('profile'),
          source('orders', { params: { id: '$profile.id' } }),
          source('invoices', { params: { id: '$profile.id' } }),
        ]),
        adapter,
      );

      expect(adapter.calls.map((call) => call.source)).toEqual(['profile', 'orders', 'invoices']);
      expect(outcome.body).toEqual({ profile: { id: 7 }, orders: 'orders of 7', invoices: 'invoices of 7' });
    });

    it('answers an endpoint without sources', async () => {
      const { run } = executorOf();
      const outcome = await run(
        endpoint([], { responseMapping: { echo: '$request.q' } }),
        new FakeAdapter({}),
        {
          q: 'hello',
        },
      );
      expect(outcome).toEqual({
        body: { echo: 'hello' },
        status: 'ok',
        degraded: [],
        sources: [],
        warnings: [],
      });
    });
  });

  describe('references and response mapping', () => {
    const profile = {
      customer_id: 'c-42',
      first_name: 'Ada',
      last_name: 'Lovelace',
      addresses: [{ city: 'London' }, { city: 'Paris' }],
      tags: ['vip'],
      active: true,
    };
    const adapter = () =>
      new FakeAdapter({
        profile: () => of(profile),
        features: (call) => of({ customer_lifetime_value: 1234.5, asked_for: call.params }),
      });

    it('passes resolved params to the adapter: whole values keep their type, embedded ones become text', async () => {
      const fake = adapter();
      const { run } = executorOf();

      await run(
        endpoint([
          source('profile', { params: { customer_id: '$request.customer_id' } }),
          source('features', {
            params: {
              id: '$profile.customer_id',
              city: '$profile.addresses[1].city',
              tags: '$profile.tags',
              active: '$profile.active',
              label: '${profile.first_name} ${profile.last_name} (${request.customer_id})',
              nested: { limit: '$request.limit', list: ['$profile.addresses[0].city', 3] },
              missing: '$profile.nothing.here',
            },
          }),
        ]),
        fake,
        { customer_id: 'c-42', limit: 5 },
      );

      expect(fake.calls[0]).toMatchObject({
        source: 'profile',
        type: 'fake',
        operation: 'get_profile',
        params: { customer_id: 'c-42' },
        context: { requestId: 'request-1', executionId: 'execution-1' },
      });
      expect(fake.calls[1].params).toEqual({
        id: 'c-42',
        city: 'Paris',
        tags: ['vip'],
        active: true,
        label: 'Ada Lovelace (c-42)',
        nested: { limit: 5, list: ['London', 3] },
        missing: undefined,
      });
    });

    it('maps the response from a template of objects, arrays and strings', async () => {
      const { run } = executorOf();
      const outcome = await run(
        endpoint([source('profile'), source('features')], {
          primarySource: 'profile',
          responseMapping: {
            id: '$profile.customer_id',
            name: '${profile.first_name} ${profile.last_name}',
            lifetime_value: '$features.customer_lifetime_value',
            city: '$profile.addresses[0].city',
            cities: ['$profile.addresses[0].city', '$profile.addresses[1].city'],
            meta: { requested: '$request.customer_id', fixed: 1, note: null },
          },
        }),
        adapter(),
        { customer_id: 'c-42' },
      );

      expect(outcome.body).toEqual({
        id: 'c-42',
        name: 'Ada Lovelace',
        lifetime_value: 1234.5,
        city: 'London',
        cities: ['London', 'Paris'],
        meta: { requested: 'c-42', fixed: 1, note: null },
      });
    });

    it('returns the primary source result as it is when the mapping is null or absent', async () => {
      const { run } = executorOf();
      const sources = [source('profile'), source('features')];

      for (const responseMapping of [null, undefined]) {
        const outcome = await run(
          endpoint(sources, { primarySource: 'profile', responseMapping }),
          adapter(),
        );
        expect(outcome.body).toEqual(profile);
      }
      const byName = await run(endpoint(sources), adapter());
      expect(byName.body).toEqual({
        profile,
        features: expect.objectContaining({ customer_lifetime_value: 1234.5 }),
      });
    });
  });

  describe('when', () => {
    const definition = endpoint(
      [
        source('profile'),
        source('features', {
          when: "$profile.status = 'active' and $request.with_features",
          dependsOn: ['profile'],
          default: { score: 0 },
        }),
        source('summary', { params: { score: '$features.score' } }),
      ],
      { responseMapping: { features: '$features', summary: '$summary' } },
    );
    const adapterFor = (status: string) =>
      new FakeAdapter({
        profile: () => of({ status }),
        features: () => of({ score: 9 }),
        summary: (call) => of(`score ${String(call.params['score'])}`),
      });

    it('runs a source whose condition holds', async () => {
      const { run } = executorOf();
      const outcome = await run(definition, adapterFor('active'), { with_features: true });

      expect(outcome.body).toEqual({ features: { score: 9 }, summary: 'score 9' });
      expect(traceOf(outcome.sources, 'features')?.status).toBe('ok');
    });

    it('skips a source whose condition is false: its default stands in for dependents', async () => {
      for (const [status, withFeatures] of [
        ['closed', true],
        ['active', false],
      ] as const) {
        const fake = adapterFor(status);
        const { run } = executorOf();
        const outcome = await run(definition, fake, { with_features: withFeatures });

        expect(fake.calls.map((call) => call.source)).toEqual(['profile', 'summary']);
        expect(outcome.body).toEqual({ features: { score: 0 }, summary: 'score 0' });
        expect(outcome.status).toBe('ok');
        expect(traceOf(outcome.sources, 'features')).toMatchObject({ status: 'skipped', attempts: 0 });
      }
    });

    it('fails the source when its condition cannot be evaluated', async () => {
      const { run } = executorOf();
      const failure = await failureOf<DownstreamError>(
        run(endpoint([source('a', { when: '$number("x")' })]), new FakeAdapter({ a: () => of(1) })),
      );
      expect(failure).toMatchObject({ status: 502, source: 'a' });
      expect(failure.message).toMatch(/^a: its when expression failed: .*number/);
    });
  });

  describe('foreach', () => {
    it('fans out with at most `concurrency` calls in flight and keeps the items order', async () => {
      const delays = [60, 10, 40, 20, 50, 30];
      const adapter = new FakeAdapter({
        orders: (call) => answerAfter(Number(call.params['delay']), `order ${String(call.params['id'])}`),
      });
      const { run } = executorOf();

      const start = performance.now();
      const outcome = await run(
        endpoint(
          [
            source('orders', {
              params: { id: '$order.id', delay: '$order.delay', customer: '$request.customer_id' },
              foreach: { items: '$request.orders', as: 'order', concurrency: 2 },
            }),
          ],
          { responseMapping: { orders: '$orders' } },
        ),
        adapter,
        { customer_id: 'c-1', orders: delays.map((delay, index) => ({ id: index + 1, delay })) },
      );

      expect(outcome.body).toEqual({ orders: delays.map((_delay, index) => `order ${index + 1}`) });
      expect(adapter.maxInFlight).toBe(2);
      expect(adapter.calls).toHaveLength(6);
      expect(elapsedSince(start)).toBeGreaterThanOrEqual(100);
      expect(traceOf(outcome.sources, 'orders')).toMatchObject({
        status: 'ok',
        attempts: 6,
        params: { foreach: expect.arrayContaining([{ id: 1, delay: 60, customer: 'c-1' }]) },
      });
    });

    it("keeps what the adapter annotated in the source's trace, later calls' keys winning", async () => {
      const adapter = new FakeAdapter({
        orders: (call) => {
          call.context.annotate?.({ [`item ${String(call.params['id'])}`]: 'seen', last: call.params['id'] });
          return of(call.params['id']);
        },
      });
      const { run } = executorOf();

      const outcome = await run(
        endpoint([
          source('orders', {
            params: { id: '$order' },
            foreach: { items: '$request.orders', as: 'order', concurrency: 1 },
          }),
        ]),
        adapter,
        { orders: [1, 2] },
      );

      expect(traceOf(outcome.sources, 'orders')?.details).toEqual({
        'item 1': 'seen',
        'item 2': 'seen',
        last: 2,
      });
    });

    describe('with an adapter that batches', () => {
      /** Answers each batch with `<id> of <size>`, or with `answer` when given. */
      class BatchingAdapter extends FakeAdapter {
        readonly batches: SourceCall[][] = [];
        constructor(private readonly answer?: (calls: SourceCall[]) => unknown[]) {
          super({});
        }
        executeBatch(calls: SourceCall[]) {
          this.batches.push(calls);
          return answerAfter(
            5,
            this.answer?.(calls) ?? calls.map(({ params }) => `${String(params['id'])} of ${calls.length}`),
          ) as Observable<unknown[]>;
        }
      }
      const orders = (fields: Partial<SourceDefinition> = {}) =>
        source('orders', {
          params: { id: '$order' },
          foreach: { items: '$request.orders', as: 'order', concurrency: 1 },
          ...fields,
        });

      it('makes every item one call, answered in the items order, and traces it as one attempt', async () => {
        const adapter = new BatchingAdapter();
        const { run } = executorOf();

        const outcome = await run(endpoint([orders()]), adapter, { orders: [3, 1, 2] });

        expect(outcome.body).toEqual({ orders: ['3 of 3', '1 of 3', '2 of 3'] });
        expect(adapter.batches.map((calls) => calls.map(({ params }) => params))).toEqual([
          [{ id: 3 }, { id: 1 }, { id: 2 }],
        ]);
        expect(adapter.calls).toHaveLength(0);
        expect(traceOf(outcome.sources, 'orders')).toMatchObject({
          attempts: 1,
          params: { foreach: [{ id: 3 }, { id: 1 }, { id: 2 }] },
        });
      });

      it('caches the batch as a whole, and makes no call for no items', async () => {
        const adapter = new BatchingAdapter();
        const { run } = executorOf();
        const definition = endpoint([orders({ cache: { ttlSeconds: 60 } })]);

        await run(definition, adapter, { orders: [1, 2] });
        const again = await run(definition, adapter, { orders: [1, 2] });
        const none = await run(definition, adapter, { orders: [] });

        expect(again.body).toEqual({ orders: ['1 of 2', '2 of 2'] });
        expect(traceOf(again.sources, 'orders')?.cacheHit).toBe(true);
        expect(none.body).toEqual({ orders: [] });
        expect(adapter.batches).toHaveLength(1);
      });

      it('fails the source with a 502 when the batch answers another number of results', async () => {
        const adapter = new BatchingAdapter(() => ['only one']);
        const { run } = executorOf();

        expect(await failureOf(run(endpoint([orders()]), adapter, { orders: [1, 2] }))).toMatchObject({
          status: 502,
          source: 'orders',
          message: 'orders: a batch of 2 answered 1 results',
        });
      });
    });

    it('answers an empty list for no items, and fails the source when items are not a list', async () => {
      const adapter = new FakeAdapter({ orders: () => of('never') });
      const definition = endpoint([
        source('orders', { foreach: { items: '$request.orders', as: 'item', concurrency: 1 } }),
      ]);
      const { run } = executorOf();

      expect((await run(definition, adapter, {})).body).toEqual({ orders: [] });
      expect(await failureOf(run(definition, adapter, { orders: 'abc' }))).toMatchObject({
        status: 502,
        source: 'orders',
        message: 'orders: foreach items $request.orders is not an array (got string)',
      });
      expect(adapter.calls).toHaveLength(0);
    });
  });

  describe('failures', () => {
    it('replaces a failed optional source with its default and reports it degraded', async () => {
      const adapter = new FakeAdapter({
        profile: () => answerAfter(10, { name: 'Ada' }),
        features: () => failAfter(10, unavailable('features')),
        scores: () => failAfter(10, new Error('socket hang up')),
      });
      const { run } = executorOf();

      const outcome = await run(
        endpoint(
          [
            source('profile'),
            source('features', { optional: true, default: { ltv: 0 } }),
            source('scores', { optional: true }),
          ],
          { responseMapping: { name: '$profile.name', ltv: '$features.ltv', scores: '$scores' } },
        ),
        adapter,
      );

      expect(outcome.body).toEqual({ name: 'Ada', ltv: 0, scores: null });
      expect(outcome.status).toBe('degraded');
      expect(outcome.degraded).toEqual(['features', 'scores']);
      expect(traceOf(outcome.sources, 'features')).toMatchObject({
        status: 'degraded',
        attempts: 1,
        error: { statusCode: 503, message: 'features is unavailable: connect ECONNREFUSED' },
      });
      expect(traceOf(outcome.sources, 'scores')?.error).toEqual({
        statusCode: 502,
        message: 'scores call failed',
        detail: 'socket hang up',
      });
    });

    it('fails with the DownstreamError of a failed required source, cancelling the rest', async () => {
      const adapter = new FakeAdapter({
        profile: () => failAfter(20, unavailable('profile')),
        orders: () => of('never called'),
        features: () => answerAfter(1000, 'too late'),
        cached: () => of('fast'),
      });
      const { run } = executorOf();

      const start = performance.now();
      const failure = await failureOf<EndpointExecutionError>(
        run(
          endpoint([
            source('profile'),
            source('orders', { params: { id: '$profile.id' } }),
            source('features'),
            source('cached'),
          ]),
          adapter,
        ),
      );

      expect(elapsedSince(start)).toBeLessThan(500);
      expect(failure).toBeInstanceOf(EndpointExecutionError);
      expect(failure).toBeInstanceOf(DownstreamError);
      expect(failure).toMatchObject({
        status: 503,
        kind: 'unavailable',
        source: 'profile',
        message: 'profile is unavailable: connect ECONNREFUSED',
      });
      expect(adapter.calls.map((call) => call.source)).not.toContain('orders');
      expect(adapter.event('features').signal.aborted).toBe(true);
      expect(failure.sources.map(({ name, status }) => [name, status])).toEqual([
        ['profile', 'failed'],
        ['orders', 'skipped'],
        ['features', 'skipped'],
        ['cached', 'ok'],
      ]);
      expect(traceOf(failure.sources, 'profile')?.error).toEqual({
        statusCode: 503,
        message: 'profile is unavailable: connect ECONNREFUSED',
      });
      expect(traceOf(failure.sources, 'orders')?.startedAt).toBeUndefined();
      expect(traceOf(failure.sources, 'features')?.startedAt).toBeDefined();
    });

    it('names the YAML source in every failure: other errors are a 502, a 4xx passes on', async () => {
      const { run } = executorOf();
      const runAlone = (answer: () => Observable<unknown>) =>
        failureOf<DownstreamError>(run(endpoint([source('crm')]), new FakeAdapter({ crm: answer })));

      expect(await runAlone(() => throwError(() => new TypeError('x is undefined')))).toMatchObject({
        status: 502,
        source: 'crm',
        message: 'crm call failed',
        detail: 'x is undefined',
      });
      expect(
        await runAlone(() =>
          throwError(
            () => new DownstreamError('crm-api', 'rejected', 'no such customer', { downstreamStatus: 404 }),
          ),
        ),
      ).toMatchObject({ status: 404, kind: 'rejected', source: 'crm', message: 'no such customer' });
      expect(
        await runAlone(() => {
          throw new Error('thrown before any Observable');
        }),
      ).toMatchObject({ status: 502, source: 'crm' });
    });

    it('refuses a source type without an adapter as an internal error', async () => {
      const { executor } = executorOf();
      const failure = await failureOf(
        firstValueFrom(
          executor.execute(compiled(endpoint([source('a')])), { params: {} }, contextOf(), new Map()),
        ),
      );
      expect(failure).not.toBeInstanceOf(DownstreamError);
      expect(failure.message).toBe('no adapter is registered for type fake (source a of test.test_endpoint)');
    });
  });

  describe('retries, timeouts and the deadline', () => {
    const flaky = () =>
      new FakeAdapter({
        a: (_call, attempt) => (attempt === 1 ? failAfter(5, unavailable('a')) : of('second time lucky')),
      });

    it('retries a transient failure with backoff and succeeds on the second attempt', async () => {
      const { run } = executorOf();
      const start = performance.now();
      const outcome = await run(
        endpoint([source('a', { retry: { attempts: 2, backoffMs: 40 } })], { primarySource: 'a' }),
        flaky(),
      );

      expect(outcome.body).toBe('second time lucky');
      expect(elapsedSince(start)).toBeGreaterThanOrEqual(40);
      expect(traceOf(outcome.sources, 'a')).toMatchObject({ status: 'ok', attempts: 2 });
    });

    it("counts the requests the adapter reports (its client's own retries) and tells it who retries", async () => {
      // An adapter whose client retried twice on its own, then answered.
      const adapter = new FakeAdapter({
        own: (call) => {
          for (let request = 0; request < 3; request += 1) call.context.onAttempt?.();
          return of('third request');
        },
        declared: () => of('once'),
      });
      const { run } = executorOf();
      const outcome = await run(
        endpoint([source('own'), source('declared', { retry: { attempts: 2, backoffMs: 1 } })], {
          responseMapping: { own: '$own', declared: '$declared' },
        }),
        adapter,
      );

      expect(traceOf(outcome.sources, 'own')).toMatchObject({ status: 'ok', attempts: 3 });
      expect(traceOf(outcome.sources, 'declared')).toMatchObject({ status: 'ok', attempts: 1 });
      // Only a source with its own `retry` turns the client's retries off.
      expect(adapter.calls.map((call) => [call.source, call.context.retriedByCaller])).toEqual([
        ['own', false],
        ['declared', true],
      ]);
    });

    it('does not retry a call the adapter says is not idempotent, nor a rejected one', async () => {
      const { run } = executorOf();
      const retried = endpoint([source('a', { retry: { attempts: 3, backoffMs: 1 } })]);

      const notIdempotent = new FakeAdapter({ a: () => failAfter(1, unavailable('a')) }, false);
      expect(await failureOf(run(retried, notIdempotent))).toMatchObject({ status: 503 });
      expect(notIdempotent.calls).toHaveLength(1);

      const rejected = new FakeAdapter({
        a: () => throwError(() => new DownstreamError('a', 'rejected', 'bad id', { downstreamStatus: 422 })),
      });
      expect(await failureOf(run(retried, rejected))).toMatchObject({ status: 422 });
      expect(rejected.calls).toHaveLength(1);
    });

    it('never waits for a retry past the request deadline', async () => {
      const adapter = new FakeAdapter({ a: () => failAfter(5, unavailable('a')) });
      const { run } = executorOf();

      // Compiled before the deadline starts, as the loader compiles before a request arrives.
      const retried = compiled(endpoint([source('a', { retry: { attempts: 5, backoffMs: 60 } })]));
      const start = performance.now();
      const failure = await failureOf<EndpointExecutionError>(
        run(
          retried,
          adapter,
          {},
          contextOf({
            deadline: Date.now() + 150,
          }),
        ),
      );

      // 5 ms, a 60 ms wait, 5 ms; the next wait (120 ms) would end past the deadline.
      expect(adapter.calls).toHaveLength(2);
      expect(elapsedSince(start)).toBeLessThan(140);
      expect(failure).toMatchObject({ status: 503, source: 'a' });
      expect(traceOf(failure.sources, 'a')?.attempts).toBe(2);
    });

    it('fails every unfinished required source with a 504 when the request deadline passes', async () => {
      const adapter = new FakeAdapter({ slow: () => answerAfter(2000, 'late'), fast: () => of('fast') });
      const { run } = executorOf();

      const slowAndFast = compiled(endpoint([source('fast'), source('slow', { timeoutMs: 1000 })]));
      const start = performance.now();
      const failure = await failureOf<EndpointExecutionError>(
        run(
          slowAndFast,
          adapter,
          {},
          contextOf({
            deadline: Date.now() + 100,
          }),
        ),
      );

      expect(elapsedSince(start)).toBeGreaterThanOrEqual(95);
      expect(elapsedSince(start)).toBeLessThan(300);
      expect(failure).toMatchObject({
        status: 504,
        kind: 'timeout',
        source: 'slow',
        message: 'slow did not answer before the request deadline',
      });
      expect(adapter.event('slow').signal.aborted).toBe(true);
    });

    it('times out one source by its own timeout, and an optional one degrades', async () => {
      const adapter = new FakeAdapter({
        slow: () => answerAfter(1000, 'late'),
        extra: () => answerAfter(1000, 'late'),
      });
      const { run } = executorOf();

      const outcome = await run(
        endpoint([source('extra', { timeoutMs: 30, optional: true, default: 'none' })], {
          primarySource: 'extra',
        }),
        adapter,
      );
      expect(outcome.body).toBe('none');
      expect(traceOf(outcome.sources, 'extra')?.error).toEqual({
        statusCode: 504,
        message: 'extra did not answer within 30 ms',
      });

      expect(await failureOf(run(endpoint([source('slow', { timeoutMs: 30 })]), adapter))).toMatchObject({
        status: 504,
        message: 'slow did not answer within 30 ms',
      });
    });
  });

  describe('cache', () => {
    it('answers the second execution from the cache, keyed by type, operation and params', async () => {
      const adapter = new FakeAdapter({ profile: (call) => answerAfter(10, { id: call.params['id'] }) });
      const { run } = executorOf(new SourceResultCache());
      const definition = endpoint(
        [source('profile', { params: { id: '$request.id' }, cache: { ttlSeconds: 60 } })],
        {
          primarySource: 'profile',
        },
      );

      const first = await run(definition, adapter, { id: 1 });
      const second = await run(definition, adapter, { id: 1 });
      const other = await run(definition, adapter, { id: 2 });

      expect([first.body, second.body, other.body]).toEqual([{ id: 1 }, { id: 1 }, { id: 2 }]);
      expect(adapter.calls).toHaveLength(2);
      expect([first, second, other].map(({ sources }) => [sources[0].cacheHit, sources[0].attempts])).toEqual(
        [
          [false, 1],
          [true, 0],
          [false, 1],
        ],
      );
    });

    it('forgets an entry after its TTL and never caches a failure', async () => {
      const adapter = new FakeAdapter({
        a: (_call, attempt) => (attempt === 1 ? throwError(() => unavailable('a')) : of(attempt)),
      });
      const { run } = executorOf();
      const definition = endpoint([source('a', { cache: { ttlSeconds: 0.05 }, optional: true })], {
        primarySource: 'a',
      });

      expect((await run(definition, adapter)).body).toBeNull();
      expect((await run(definition, adapter)).body).toBe(2);
      expect((await run(definition, adapter)).body).toBe(2);
      await lastValueFrom(timer(80));
      expect((await run(definition, adapter)).body).toBe(3);
    });
  });

  it('cancels everything in flight when unsubscribed: the adapters signal aborts', async () => {
    const adapter = new FakeAdapter({
      a: () => NEVER,
      b: () => answerAfter(1000, 'b'),
      c: () => of('c'),
      d: () => of('never called'),
    });
    const { executor } = executorOf();
    const definition = endpoint([
      source('a'),
      source('b'),
      source('c'),
      source('d', { params: { x: '$a' } }),
    ]);

    const subscription = executor
      .execute(compiled(definition), { params: {} }, contextOf(), new Map([[adapter.type, adapter]]))
      .subscribe();
    await lastValueFrom(timer(20));
    // A call that answered is left alone: there is nothing of it to cancel.
    expect(adapter.events.map(({ source, signal }) => [source, signal.aborted])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ]);

    subscription.unsubscribe();
    expect(adapter.events.map(({ source, signal }) => [source, signal.aborted])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
    expect(adapter.calls).toHaveLength(3);
  });

  it('passes the request signal on: the client going away aborts the adapters', async () => {
    const client = new AbortController();
    const adapter = new FakeAdapter({ a: () => NEVER });
    const { executor } = executorOf();
    const subscription = executor
      .execute(
        compiled(endpoint([source('a')])),
        { params: {} },
        contextOf({ signal: client.signal }),
        new Map([['fake', adapter]]),
      )
      .subscribe();

    client.abort();
    expect(adapter.event('a').signal.aborted).toBe(true);
    subscription.unsubscribe();
  });

  it('stops retrying once the request signal has aborted', async () => {
    const client = new AbortController();
    const adapter = new FakeAdapter({
      a: (call) =>
        new Observable((subscriber) =>
          call.context.signal.addEventListener('abort', () =>
            subscriber.error(new DownstreamError('a', 'timeout', 'a was cancelled')),
          ),
        ),
    });
    const { run } = executorOf();

    const failure = run(
      endpoint([source('a', { retry: { attempts: 3, backoffMs: 1 } })]),
      adapter,
      {},
      contextOf({ signal: client.signal }),
    );
    await lastValueFrom(timer(10));
    client.abort();

    expect(await failureOf(failure)).toMatchObject({ status: 504, message: 'a was cancelled' });
    expect(adapter.calls).toHaveLength(1);
  });

  describe('transform', () => {
    it('applies JSONata per source and to the response, with the scope bound as variables', async () => {
      const adapter = new FakeAdapter({
        profile: () => of({ name: 'Ada', currency: 'EUR' }),
        orders: () =>
          of([
            { id: 1, total: 30 },
            { id: 2, total: 5 },
            { id: 3, total: 12 },
          ]),
      });
      const { run } = executorOf();

      const outcome = await run(
        endpoint(
          [
            source('profile'),
            source('orders', {
              transform:
                '$[total >= $request.min_total].{ "id": id, "total": total & " " & $profile.currency }',
              dependsOn: ['profile'],
            }),
          ],
          {
            responseMapping: { name: '$profile.name', orders: '$orders' },
            transform: '$merge([$, { "count": $count(orders), "customer": $uppercase($profile.name) }])',
          },
        ),
        adapter,
        { min_total: 10 },
      );

      expect(outcome.body).toEqual({
        name: 'Ada',
        orders: [
          { id: 1, total: '30 EUR' },
          { id: 3, total: '12 EUR' },
        ],
        count: 2,
        customer: 'ADA',
      });
    });

    it('reports a transform failing at run time as a 502 of its source, or of the response', async () => {
      const adapter = new FakeAdapter({ a: () => of({ n: 'not a number' }) });
      const { run } = executorOf();

      expect(await failureOf(run(endpoint([source('a', { transform: 'n + 1' })]), adapter))).toMatchObject({
        status: 502,
        source: 'a',
        message: expect.stringMatching(/^a: its transform expression failed: /),
      });
      expect(await failureOf(run(endpoint([source('a')], { transform: 'a.n + 1' }), adapter))).toMatchObject({
        status: 502,
        source: 'response_mapping',
        message: expect.stringMatching(/^the response transform of test\.test_endpoint failed: /),
      });
    });
  });

  it('traces every source, with sensitive and secret-looking params redacted', async () => {
    const adapter = new FakeAdapter({
      account: () => answerAfter(20, { balance: 10 }),
    });
    const { run } = executorOf();

    const before = Date.now();
    const outcome = await run(
      endpoint(
        [
          source('account', {
            params: {
              customer_id: '$request.customer_id',
              tax_id: '$request.ssn',
              ssn: '$request.ssn',
              api_key: 'literal-key',
              headers: { Authorization: 'Bearer ${request.token}', accept: 'json' },
              max_tokens: 100,
            },
          }),
        ],
        { sensitive: ['ssn'], primarySource: 'account' },
      ),
      adapter,
      { customer_id: 'c-1', ssn: '123-45-6789', token: 't0k3n' },
    );

    expect(adapter.calls[0].params['ssn']).toBe('123-45-6789');
    const [trace] = outcome.sources;
    expect(trace).toEqual({
      name: 'account',
      type: 'fake',
      operation: 'get_account',
      params: {
        customer_id: 'c-1',
        tax_id: '[redacted]',
        ssn: '[redacted]',
        api_key: '[redacted]',
        headers: { Authorization: '[redacted]', accept: 'json' },
        max_tokens: 100,
      },
      startedAt: expect.any(String),
      durationMs: expect.any(Number),
      attempts: 1,
      cacheHit: false,
      status: 'ok',
    });
    expect(Date.parse(trace.startedAt as string)).toBeGreaterThanOrEqual(before);
    expect(trace.durationMs).toBeGreaterThanOrEqual(19);
  });
});
