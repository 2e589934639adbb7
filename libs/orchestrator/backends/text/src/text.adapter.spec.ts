import { Reflector } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import type { DownstreamError } from '@libs/core/http';
import { SOURCE_ADAPTER_TYPE, type SourceCall } from '@libs/core/sources';
import { failureOf, unusedPortUrl } from '@libs/core/testing';
import { firstValueFrom } from 'rxjs';
import { TextSourceAdapter } from './text.adapter';
import { TextServiceStandIn, textModuleFor } from './text.test-harness';

const analysis = { sentiment: { score: 0.4, label: 'positive' } };

const adapterFor = (url: string) =>
  textModuleFor(url, { TEXT_SERVICE_TIMEOUT_MS: '5000', TEXT_SERVICE_RETRIES: '0' });

const callFor = (params: Record<string, unknown>, deadlineInMs = 5_000): SourceCall => ({
  source: 'sentiment',
  type: 'text',
  operation: 'analyze',
  params,
  context: {
    requestId: 'req-3',
    executionId: 'exec-3',
    signal: new AbortController().signal,
    deadline: Date.now() + deadlineInMs,
    sections: { settings: {}, compiled: {} },
  },
});

describe('TextSourceAdapter against a stand-in text-service', () => {
  const standIn = new TextServiceStandIn();
  let moduleRef: TestingModule;
  let adapter: TextSourceAdapter;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await adapterFor(standIn.url);
    adapter = moduleRef.get(TextSourceAdapter);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
    standIn.script = () => ({ status: 200, body: analysis });
  });

  const run = (call: SourceCall) => firstValueFrom(adapter.execute(call));

  it('is the adapter of type text', () => {
    expect(new Reflector().get(SOURCE_ADAPTER_TYPE, TextSourceAdapter)).toBe('text');
    expect(adapter.type).toBe('text');
  });

  it('analyses the text param with the given language and analyses, forwarding the request id', async () => {
    await expect(
      run(callFor({ text: 'I love it', language: 'en', analyses: ['sentiment'] })),
    ).resolves.toEqual(analysis);
    expect(standIn.requests).toEqual([
      {
        method: 'POST',
        url: '/analyze',
        headers: expect.objectContaining({ 'x-request-id': 'req-3' }),
        body: expect.any(String),
      },
    ]);
    expect(JSON.parse(standIn.requests[0].body)).toEqual({
      text: 'I love it',
      language: 'en',
      analyses: ['sentiment'],
    });
  });

  it('leaves out the optional params that have no value', async () => {
    await run(callFor({ text: 'I love it', language: undefined }));
    expect(JSON.parse(standIn.requests[0].body)).toEqual({ text: 'I love it' });
  });

  it('passes the service’s 400 on, naming the source and the service', async () => {
    standIn.script = () => ({
      status: 400,
      body: { statusCode: 400, message: 'Invalid request: text (empty)' },
    });
    const error = await failureOf<DownstreamError>(run(callFor({ text: '' })));
    expect(error).toMatchObject({ status: 400, kind: 'rejected', source: 'sentiment' });
    expect(error.message).toBe('sentiment: text-service rejected the request (HTTP 400)');
    expect(error.detail).toBe('Invalid request: text (empty)');
  });

  it('gives up at the request deadline with a 504 naming the source', async () => {
    standIn.script = () => ({ status: 200, body: analysis, delayMs: 2_000 });
    const error = await failureOf<DownstreamError>(run(callFor({ text: 'slow' }, 100)));
    expect(error).toMatchObject({ status: 504, kind: 'timeout', source: 'sentiment' });
    expect(error.message).toMatch(/^sentiment \(text-service\) did not answer within \d+ ms/);
  });

  it('may be retried', () => {
    expect(adapter.idempotent()).toBe(true);
  });

  it('validates declarations: operation analyze or none, param text required, no unknown params', () => {
    const declaration = { name: 'sentiment', type: 'text', params: { text: '$transcript.text' } };
    expect(adapter.validate(declaration)).toEqual([]);
    expect(adapter.validate({ ...declaration, operation: 'analyze' })).toEqual([]);
    expect(adapter.validate({ ...declaration, operation: 'summarize', params: { body: 'x' } })).toEqual([
      { path: ['operation'], message: 'unknown operation summarize; text sources have: analyze' },
      { path: ['params'], message: 'text sources need param text' },
      { path: ['params', 'body'], message: 'unknown param body; text sources take text, language, analyses' },
    ]);
  });
});

describe('TextSourceAdapter when the text-service is not running', () => {
  it('answers a 503 naming the source', async () => {
    const moduleRef = await adapterFor(await unusedPortUrl());
    try {
      const error = await failureOf<DownstreamError>(
        firstValueFrom(moduleRef.get(TextSourceAdapter).execute(callFor({ text: 'hi' }))),
      );
      expect(error).toMatchObject({ status: 503, kind: 'unavailable', source: 'sentiment' });
      expect(error.message).toBe('sentiment: text-service is unavailable (ECONNREFUSED)');
    } finally {
      await moduleRef.close();
    }
  });
});
