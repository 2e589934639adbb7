import { DownstreamError } from '@libs/core/http';
import { Observable, firstValueFrom, of, throwError } from 'rxjs';
import type { SourceCall } from './source-adapter';
import { withinSourceCall } from './source-call.operator';

const callFor = (deadlineInMs: number, signal = new AbortController().signal): SourceCall => ({
  source: 'profile',
  type: 'api',
  operation: 'crm.get_customer',
  params: {},
  context: {
    requestId: 'req-1',
    executionId: 'exec-1',
    signal,
    deadline: Date.now() + deadlineInMs,
    sections: { settings: {}, compiled: {} },
  },
});

/** Work that never answers, and says when it is unsubscribed. */
const pending = () => {
  const state = { subscribed: false, unsubscribed: false };
  const work = new Observable<never>(() => {
    state.subscribed = true;
    return () => (state.unsubscribed = true);
  });
  return { state, work };
};

const failure = (work: Observable<unknown>, call: SourceCall) =>
  firstValueFrom(work.pipe(withinSourceCall(call, 'crm.get_customer'))).then(
    () => Promise.reject(new Error('expected a failure')),
    (error: unknown) => error,
  );

describe('withinSourceCall', () => {
  it('passes the answer through', async () => {
    await expect(
      firstValueFrom(of({ id: 7 }).pipe(withinSourceCall(callFor(1_000), 'crm.get_customer'))),
    ).resolves.toEqual({ id: 7 });
  });

  it('attributes a downstream failure to the source, keeping its kind, status and the downstream’s words', async () => {
    const downstream = new DownstreamError('crm', 'rejected', 'crm rejected the request: no such customer', {
      downstreamStatus: 404,
    });
    const error = await failure(
      throwError(() => downstream),
      callFor(1_000),
    );
    expect(error).toBeInstanceOf(DownstreamError);
    expect(error).toMatchObject({
      source: 'profile',
      kind: 'rejected',
      status: 404,
      message: 'profile: crm rejected the request: no such customer',
      cause: downstream,
    });
  });

  it('leaves a failure already naming the source, and a bug, as they are', async () => {
    const named = new DownstreamError('profile', 'bad-gateway', 'profile: bad answer');
    expect(
      await failure(
        throwError(() => named),
        callFor(1_000),
      ),
    ).toBe(named);
    const bug = new TypeError('x is undefined');
    expect(
      await failure(
        throwError(() => bug),
        callFor(1_000),
      ),
    ).toBe(bug);
  });

  it('ends the work at the deadline with a 504 naming the source and the target', async () => {
    const { state, work } = pending();
    const started = Date.now();
    const error = await failure(work, callFor(60));
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(error).toMatchObject({ source: 'profile', kind: 'timeout', status: 504 });
    expect((error as Error).message).toMatch(
      /^profile \(crm\.get_customer\) did not answer within \d+ ms, the request's deadline$/,
    );
    expect(state.unsubscribed).toBe(true);
  });

  it('ends the work when the signal aborts', async () => {
    const { state, work } = pending();
    const controller = new AbortController();
    const outcome = failure(work, callFor(10_000, controller.signal));
    controller.abort(new Error('client went away'));
    expect(await outcome).toMatchObject({
      kind: 'timeout',
      message: 'profile (crm.get_customer) was cancelled: client went away',
    });
    expect(state.unsubscribed).toBe(true);
  });

  it('never starts work for a call already cancelled or past its deadline', async () => {
    const cancelled = pending();
    const controller = new AbortController();
    controller.abort();
    await failure(cancelled.work, callFor(10_000, controller.signal));
    expect(cancelled.state.subscribed).toBe(false);

    const late = pending();
    expect(await failure(late.work, callFor(-5))).toMatchObject({ kind: 'timeout' });
    expect(late.state.subscribed).toBe(false);
  });

  it('clears its timer once the work answers', async () => {
    jest.useFakeTimers();
    try {
      await firstValueFrom(of(1).pipe(withinSourceCall(callFor(60_000), 'x')));
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
