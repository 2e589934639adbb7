import { BadRequestException } from '@nestjs/common';
import type { DownstreamError } from '@libs/core/http';
import { breakerRejections, breakerStates, breakerTransitions, downstreamRetries } from '@libs/core/metrics';
import { HealthIndicatorService } from '@nestjs/terminus';
import { LocalHttpServer, failureOf, unusedPortUrl } from '@libs/core/testing';
import axios from 'axios';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { DownstreamClient, downstreamHttpOptions } from './downstream.client';
import { checkDownstream } from './downstream.health';
import { DownstreamPolicy, ResilienceOptions } from './downstream-policy';

/** A real HTTP server whose behaviour each test scripts, counting the requests it gets. */
class ScriptedServer extends LocalHttpServer {
  hits = 0;
  lastHeaders: IncomingHttpHeaders = {};
  behaviour: (hit: number) => { status: number; delayMs?: number; body?: unknown; raw?: string } = () => ({
    status: 200,
  });

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    this.lastHeaders = req.headers;
    const { status, delayMs = 0, body = { ok: true }, raw } = this.behaviour(++this.hits);
    setTimeout(
      () => res.writeHead(status, { 'content-type': 'application/json' }).end(raw ?? JSON.stringify(body)),
      delayMs,
    );
  }
}

const options: ResilienceOptions = {
  timeoutMs: 200,
  retries: 2,
  retryBaseDelayMs: 5,
  retryMaxDelayMs: 20,
  breakerThreshold: 3,
  breakerResetMs: 60_000,
};

/** An attempt as a backend client makes it: fetch, with non-2xx answers thrown as axios does. */
const getJson = (url: string) => async (signal: AbortSignal) => {
  const res = await fetch(url, { signal });
  const data = await res.json();
  if (!res.ok)
    throw Object.assign(new Error(`HTTP ${res.status}`), { response: { status: res.status, data } });
  return data;
};

describe('DownstreamPolicy against a real HTTP server', () => {
  const server = new ScriptedServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => (server.hits = 0));

  it('retries an idempotent call that fails once, and succeeds', async () => {
    server.behaviour = (hit) =>
      hit === 1 ? { status: 503, body: { message: 'warming up' } } : { status: 200 };
    const policy = new DownstreamPolicy('text-service', options);
    await expect(firstValueFrom(policy.call(getJson(server.url), { idempotent: true }))).resolves.toEqual({
      ok: true,
    });
    expect(server.hits).toBe(2);
  });

  it('does not retry a call that is not idempotent', async () => {
    server.behaviour = () => ({ status: 503 });
    const policy = new DownstreamPolicy('transcription-service', options);
    const error = await failureOf(firstValueFrom(policy.call(getJson(server.url), { idempotent: false })));
    expect(error).toMatchObject({ source: 'transcription-service', kind: 'bad-gateway', status: 502 });
    expect(server.hits).toBe(1);
  });

  it('gives up after the configured retries with a 502 naming the source', async () => {
    server.behaviour = () => ({ status: 500, body: { message: 'boom' } });
    const policy = new DownstreamPolicy('text-service', { ...options, breakerThreshold: 10 });
    const error = await failureOf<DownstreamError>(
      firstValueFrom(policy.call(getJson(server.url), { idempotent: true })),
    );
    expect(error.status).toBe(502);
    expect(error.message).toBe('text-service failed with HTTP 500');
    expect((error as DownstreamError).detail).toContain('boom');
    expect(server.hits).toBe(3);
  });

  it('passes a downstream 4xx on without retrying', async () => {
    server.behaviour = () => ({ status: 422, body: { error: { message: 'Unsupported file format' } } });
    const policy = new DownstreamPolicy('transcription-service', options);
    const error = await failureOf(firstValueFrom(policy.call(getJson(server.url), { idempotent: true })));
    expect(error).toMatchObject({ kind: 'rejected', status: 422 });
    expect(error.message).toBe('transcription-service rejected the request (HTTP 422)');
    expect((error as DownstreamError).detail).toContain('Unsupported file format');
    expect(server.hits).toBe(1);
  });

  it('cancels an attempt at its deadline and reports a 504', async () => {
    server.behaviour = () => ({ status: 200, delayMs: 1_000 });
    const policy = new DownstreamPolicy('text-service', { ...options, timeoutMs: 50, retries: 0 });
    const error = await failureOf(firstValueFrom(policy.call(getJson(server.url), { idempotent: true })));
    expect(error).toMatchObject({ kind: 'timeout', status: 504 });
    expect(error.message).toContain('50 ms');
  });

  it('reports a refused connection as 503', async () => {
    const nowhere = await unusedPortUrl();
    const policy = new DownstreamPolicy('text-service', { ...options, retries: 0 });
    const error = await failureOf(firstValueFrom(policy.call(getJson(nowhere), { idempotent: true })));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, source: 'text-service' });
  });

  it('cancels the attempt of a caller that unsubscribes, without counting it against the breaker', async () => {
    server.behaviour = (hit) => (hit === 1 ? { status: 200, delayMs: 1_000 } : { status: 200 });
    const policy = new DownstreamPolicy('transcription-service', { ...options, breakerThreshold: 1 });
    let attemptSignal: AbortSignal | undefined;
    let abandonedAttempt: Promise<unknown> = Promise.resolve();
    const subscription = policy
      .call(
        (signal) => {
          attemptSignal = signal;
          const attempt = getJson(server.url)(signal);
          abandonedAttempt = attempt.catch(() => undefined);
          return attempt;
        },
        { idempotent: false },
      )
      .subscribe({ error: () => undefined });
    while (server.hits < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    subscription.unsubscribe();
    await abandonedAttempt;
    // Lets the breaker see the abandoned attempt's failure before the next call.
    await new Promise((resolve) => setImmediate(resolve));

    expect(attemptSignal?.aborted).toBe(true);
    await expect(firstValueFrom(policy.call(getJson(server.url), { idempotent: false }))).resolves.toEqual({
      ok: true,
    });
  });

  it('opens the circuit after consecutive failures and stops calling the service', async () => {
    server.behaviour = () => ({ status: 503 });
    const policy = new DownstreamPolicy('text-service', { ...options, retries: 0, breakerThreshold: 2 });
    for (let i = 0; i < 2; i++)
      await failureOf(firstValueFrom(policy.call(getJson(server.url), { idempotent: true })));
    const error = await failureOf(firstValueFrom(policy.call(getJson(server.url), { idempotent: true })));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(error.message).toContain('circuit open');
    expect(server.hits).toBe(2);
  });

  it('reports its breaker, its retries, its transitions and the calls it rejected, for the metrics', async () => {
    server.behaviour = (hit) => (hit === 1 ? { status: 503 } : { status: 200 });
    const seen: string[] = [];
    const unsubscribe = [
      downstreamRetries.subscribe(({ downstream }) => seen.push(`retry ${downstream}`)),
      breakerTransitions.subscribe(({ downstream, state }) => seen.push(`${state} ${downstream}`)),
      breakerRejections.subscribe(({ downstream }) => seen.push(`rejected ${downstream}`)),
    ];
    try {
      const policy = new DownstreamPolicy('observed-service', { ...options, breakerThreshold: 2 });
      const stateOf = () =>
        breakerStates().find(({ downstream }) => downstream === 'observed-service')?.state;
      expect(stateOf()).toBe('closed');

      await firstValueFrom(policy.call(getJson(server.url), { idempotent: true }));
      expect(seen).toEqual(['retry observed-service']);

      server.behaviour = () => ({ status: 503 });
      seen.length = 0;
      for (let i = 0; i < 3; i++)
        await failureOf(firstValueFrom(policy.call(getJson(server.url), { idempotent: false })));
      expect(stateOf()).toBe('open');
      expect(seen).toEqual(['open observed-service', 'rejected observed-service']);
    } finally {
      unsubscribe.forEach((stop) => stop());
    }
  });
});

describe('DownstreamPolicy: the whole call and the client', () => {
  const server = new ScriptedServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => (server.hits = 0));

  it('fails at the call deadline, retries and backoff included, not after every attempt', async () => {
    server.behaviour = () => ({ status: 200, delayMs: 150 });
    const policy = new DownstreamPolicy('text-service', {
      ...options,
      timeoutMs: 100,
      retries: 5,
      retryBaseDelayMs: 20,
      retryMaxDelayMs: 20,
      deadlineMs: 250,
    });
    const started = Date.now();
    const error = await failureOf<DownstreamError>(
      firstValueFrom(policy.call(getJson(server.url), { idempotent: true })),
    );
    expect(error).toMatchObject({ kind: 'timeout', status: 504, source: 'text-service' });
    expect(error.message).toBe("text-service did not answer within the call's deadline of 250 ms");
    expect(Date.now() - started).toBeLessThan(400);
    // Two or three attempts fit in 250 ms; without the deadline there would be six.
    expect(server.hits).toBeGreaterThanOrEqual(2);
    expect(server.hits).toBeLessThan(4);
  });

  it("passes the client's own fault on as it is: never retried, never counted by the breaker", async () => {
    const policy = new DownstreamPolicy('transcription-service', { ...options, breakerThreshold: 1 });
    const cutShort = new BadRequestException('The multipart body ended before its closing boundary');
    let attempts = 0;
    const attempt = async () => {
      attempts++;
      throw Object.assign(new Error('request body stream failed'), { cause: cutShort });
    };
    for (let i = 0; i < 3; i++) {
      expect(await failureOf(firstValueFrom(policy.call(attempt, { idempotent: true })))).toBe(cutShort);
    }
    expect(attempts).toBe(3);
    server.behaviour = () => ({ status: 200 });
    await expect(firstValueFrom(policy.call(getJson(server.url), { idempotent: true }))).resolves.toEqual({
      ok: true,
    });
  });
});

describe('DownstreamClient against a real HTTP server', () => {
  const server = new ScriptedServer();
  const http = axios.create(downstreamHttpOptions());
  const clientFor = (url: string, required = true) =>
    new DownstreamClient(http, {
      name: 'text-service',
      url,
      required,
      responseMaxBytes: 64 * 1024,
      resilience: options,
    });
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => (server.hits = 0));

  it('passes the request id on and returns the body', async () => {
    server.behaviour = () => ({ status: 200, body: { label: 'positive' } });
    const body = await firstValueFrom(
      clientFor(server.url).request(
        { method: 'POST', url: '/analyze', data: { text: 'hi' } },
        { requestId: 'rid-9' },
        {
          idempotent: true,
        },
      ),
    );
    expect(body).toEqual({ label: 'positive' });
    expect(server.lastHeaders['x-request-id']).toBe('rid-9');
    expect(server.lastHeaders['connection']).toBe('keep-alive');
  });

  it('reports every request it sends, and sends one only when its caller retries the call itself', async () => {
    server.behaviour = () => ({ status: 503, body: { message: 'busy' } });
    const call = (context: { retriedByCaller?: boolean }) => {
      let reported = 0;
      const request = clientFor(server.url).request(
        { method: 'POST', url: '/analyze', data: { text: 'hi' } },
        { ...context, onAttempt: () => (reported += 1) },
        { idempotent: true },
      );
      return failureOf<DownstreamError>(firstValueFrom(request)).then((error) => ({
        status: error.status,
        reported,
      }));
    };

    // Its own two retries: three requests, each reported.
    expect(await call({})).toEqual({ status: 502, reported: 3 });
    expect(server.hits).toBe(3);
    server.hits = 0;
    expect(await call({ retriedByCaller: true })).toEqual({ status: 502, reported: 1 });
    expect(server.hits).toBe(1);
  });

  it('fails an answer past the size limit with a 502, having read no more than it', async () => {
    server.behaviour = () => ({ status: 200, raw: JSON.stringify({ text: 'x'.repeat(1024 * 1024) }) });
    const error = await failureOf<DownstreamError>(
      firstValueFrom(clientFor(server.url).request({ url: '/analyze' }, {}, { idempotent: false })),
    );
    expect(error).toMatchObject({ kind: 'bad-gateway', status: 502, source: 'text-service' });
    expect(error.message).toBe(`text-service answered more than ${64 * 1024} bytes`);
  });

  it('answers in its own words, keeping what the downstream said, its secrets masked, for the logs', async () => {
    process.env['SPEC_SERVICE_TOKEN'] = 'tok-3f9a2c81';
    server.behaviour = () => ({ status: 401, body: { message: 'invalid credentials: Bearer tok-3f9a2c81' } });
    const error = await failureOf<DownstreamError>(
      firstValueFrom(clientFor(server.url).request({ url: '/analyze' }, {}, { idempotent: false })),
    );
    delete process.env['SPEC_SERVICE_TOKEN'];
    expect(error).toMatchObject({ kind: 'bad-gateway', status: 502 });
    expect(error.message).toBe("text-service refused the orchestrator's credentials (HTTP 401)");
    expect(error.detail).toBe('invalid credentials: Bearer ***');
  });

  it('reports a 200 whose body is not JSON as a 502', async () => {
    server.behaviour = () => ({ status: 200, raw: '<html>proxy error page</html>' });
    const error = await failureOf(
      firstValueFrom(
        clientFor(server.url).request({ url: '/analyze', responseType: 'json' }, {}, { idempotent: false }),
      ),
    );
    expect(error).toMatchObject({ kind: 'bad-gateway', status: 502, source: 'text-service' });
  });

  it('reports health with the response time, failing only for a required service', async () => {
    const indicators = new HealthIndicatorService();
    server.behaviour = () => ({ status: 200 });
    expect(await checkDownstream(indicators, clientFor(server.url))).toEqual({
      'text-service': {
        status: 'up',
        url: server.url,
        required: true,
        available: true,
        responseTimeMs: expect.any(Number),
      },
    });
    const nowhere = await unusedPortUrl();
    expect(await checkDownstream(indicators, clientFor(nowhere))).toMatchObject({
      'text-service': { status: 'down', available: false, message: expect.stringContaining('ECONNREFUSED') },
    });
    expect(await checkDownstream(indicators, clientFor(nowhere, false))).toMatchObject({
      'text-service': { status: 'up', available: false, required: false },
    });
  });
});
