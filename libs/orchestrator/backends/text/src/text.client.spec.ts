import type { TestingModule } from '@nestjs/testing';
import { failureOf, unusedPortUrl } from '@libs/core/testing';
import { firstValueFrom } from 'rxjs';
import { TextClient } from './text.client';
import { TextHealthIndicator } from './text.health';
import { TextServiceStandIn, textModuleFor, type Answer } from './text.test-harness';

const textModule = (url: string) =>
  textModuleFor(url, {
    TEXT_SERVICE_TIMEOUT_MS: '100',
    TEXT_SERVICE_RETRIES: '2',
    TEXT_SERVICE_RETRY_BASE_DELAY_MS: '1',
    TEXT_SERVICE_RETRY_MAX_DELAY_MS: '5',
  });

const analysis = { sentiment: { score: 0.4, label: 'positive' } };

describe('TextClient against a stand-in text-service', () => {
  const standIn = new TextServiceStandIn();
  let moduleRef: TestingModule;
  let client: TextClient;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await textModule(standIn.url);
    client = moduleRef.get(TextClient);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
    standIn.script = () => ({ status: 200, body: analysis });
  });

  const analyze = (requestId?: string) =>
    firstValueFrom(client.analyze({ text: 'I love it', analyses: ['sentiment'] }, { requestId }));

  it('posts the body to /analyze and returns the analysis as is, with the request id forwarded', async () => {
    await expect(analyze('req-7')).resolves.toEqual(analysis);
    expect(standIn.requests).toHaveLength(1);
    const [request] = standIn.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/analyze' });
    expect(request.headers['x-request-id']).toBe('req-7');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request.body)).toEqual({ text: 'I love it', analyses: ['sentiment'] });
  });

  it('retries a transient failure and succeeds on the second attempt', async () => {
    standIn.script = (hit) => (hit === 1 ? { status: 503 } : { status: 200, body: analysis });
    await expect(analyze()).resolves.toEqual(analysis);
    expect(standIn.requests).toHaveLength(2);
  });

  it.each([
    ['a body that is not JSON', { status: 200, rawBody: 'not json' }],
    ['a JSON value that is not an object', { status: 200, body: ['positive'] }],
  ])('answers %s with a 502', async (_case, answer: Answer) => {
    standIn.script = () => answer;
    const error = await failureOf(analyze());
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'text-service' });
  });

  it('passes a 4xx on, in its own words, without retrying', async () => {
    standIn.script = () => ({
      status: 400,
      body: { statusCode: 400, message: 'Invalid request: text (too long)' },
    });
    const error = await failureOf(analyze());
    expect(error).toMatchObject({ status: 400, kind: 'rejected', source: 'text-service' });
    expect(error).toMatchObject({
      message: 'text-service rejected the request (HTTP 400)',
      detail: 'Invalid request: text (too long)',
    });
    expect(standIn.requests).toHaveLength(1);
  });

  it('reports a service that does not answer in time as a 504, after its retries', async () => {
    standIn.script = () => ({ status: 200, body: analysis, delayMs: 1_000 });
    const error = await failureOf(analyze());
    expect(error).toMatchObject({ status: 504, kind: 'timeout' });
    expect(error.message).toContain('100 ms');
    expect(standIn.requests).toHaveLength(3);
  });

  it('reports itself up, with the response time, while the service answers /health', async () => {
    const result = await moduleRef.get(TextHealthIndicator).check();
    expect(result['text-service']).toMatchObject({
      status: 'up',
      url: standIn.url,
      required: true,
      available: true,
      responseTimeMs: expect.any(Number),
    });
    expect(standIn.requests[0]).toMatchObject({ method: 'GET', url: '/health' });
  });
});

describe('TextClient when the text-service is not running', () => {
  let moduleRef: TestingModule;

  beforeAll(async () => {
    moduleRef = await textModule(await unusedPortUrl());
  });
  afterAll(() => moduleRef.close());

  it('reports a refused connection as a 503', async () => {
    const error = await failureOf(firstValueFrom(moduleRef.get(TextClient).analyze({ text: 'hi' }, {})));
    expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'text-service' });
  });

  it('reports itself down', async () => {
    const result = await moduleRef.get(TextHealthIndicator).check();
    expect(result['text-service']).toMatchObject({ status: 'down', available: false });
    expect(result['text-service'].message).toContain('ECONNREFUSED');
  });
});
