import { Reflector } from '@nestjs/core';
import type { TestingModule } from '@nestjs/testing';
import type { DownstreamError } from '@libs/core/http';
import { SOURCE_ADAPTER_TYPE, type SourceCall } from '@libs/core/sources';
import { failureOf } from '@libs/core/testing';
import { Readable } from 'node:stream';
import { firstValueFrom } from 'rxjs';
import { AudioSourceAdapter } from './audio.adapter';
import { TranscriptionServiceStandIn, audioModuleFor } from './audio.test-harness';

const transcription = {
  status: 200,
  body: { text: ' i want to go home ', language: 'english', duration: 1.2, segments: [] },
};

const recording = () => ({
  stream: Readable.from([Buffer.from('RIFF'), Buffer.from('WAVE')]),
  filename: 'go-home.wav',
  mimeType: 'audio/wav',
});

const callFor = (params: Record<string, unknown>): SourceCall => ({
  source: 'transcript',
  type: 'audio',
  operation: 'transcribe',
  params,
  context: {
    requestId: 'req-5',
    executionId: 'exec-5',
    signal: new AbortController().signal,
    deadline: Date.now() + 5_000,
    sections: { settings: {}, compiled: {} },
  },
});

describe('AudioSourceAdapter against a stand-in transcription service', () => {
  const standIn = new TranscriptionServiceStandIn();
  let moduleRef: TestingModule;
  let adapter: AudioSourceAdapter;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await audioModuleFor(standIn.url, {
      TRANSCRIPTION_SERVICE_RETRIES: '0',
      TRANSCRIPTION_MODEL: 'whisper-1',
    });
    adapter = moduleRef.get(AudioSourceAdapter);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.uploads.length = 0;
    standIn.script = () => transcription;
  });

  const run = (call: SourceCall) => firstValueFrom(adapter.execute(call));

  it('is the adapter of type audio', () => {
    expect(new Reflector().get(SOURCE_ADAPTER_TYPE, AudioSourceAdapter)).toBe('audio');
    expect(adapter.type).toBe('audio');
  });

  it('streams the file param with its language and answers the transcription', async () => {
    await expect(run(callFor({ file: recording(), language: 'en' }))).resolves.toEqual({
      text: 'i want to go home',
      language: 'english',
      duration: 1.2,
      segments: [],
    });
    const [upload] = standIn.uploads;
    expect(upload.headers['x-request-id']).toBe('req-5');
    expect(upload.fields).toEqual({ model: 'whisper-1', language: 'en', response_format: 'verbose_json' });
    expect(upload.file).toEqual({
      filename: 'go-home.wav',
      mimeType: 'audio/wav',
      bytes: Buffer.from('RIFFWAVE'),
    });
  });

  it('lets the service detect the language when the param has no value', async () => {
    await run(callFor({ file: recording(), language: undefined }));
    expect(standIn.uploads[0].fields).not.toHaveProperty('language');
  });

  it.each([
    ['no file', {}, 'transcript: param file is not an uploaded file'],
    ['text instead of a file', { file: 'go-home.wav' }, 'transcript: param file is not an uploaded file'],
    [
      'a language that is not text',
      { file: recording(), language: 7 },
      'transcript: param language must be a language code (got 7)',
    ],
  ])(
    'refuses %s with a 400 naming the source, without calling the service',
    async (_case, params, message) => {
      const error = await failureOf<DownstreamError>(run(callFor(params)));
      expect(error).toMatchObject({ status: 400, kind: 'rejected', source: 'transcript', message });
      expect(standIn.uploads).toHaveLength(0);
    },
  );

  it('passes the service’s refusal on, naming the source and the service', async () => {
    standIn.script = () => ({ status: 415, body: { error: { message: 'Unsupported file format' } } });
    const error = await failureOf<DownstreamError>(run(callFor({ file: recording() })));
    expect(error).toMatchObject({ status: 415, kind: 'rejected', source: 'transcript' });
    expect(error.message).toBe('transcript: transcription-service rejected the request (HTTP 415)');
    expect(error.detail).toBe('Unsupported file format');
  });

  it('is never retried, since the upload stream is consumed', () => {
    expect(adapter.idempotent()).toBe(false);
  });

  it('validates declarations: operation transcribe or none, param file required, no unknown params', () => {
    const declaration = { name: 'transcript', type: 'audio', params: { file: '$request.file' } };
    expect(adapter.validate(declaration)).toEqual([]);
    expect(
      adapter.validate({ ...declaration, operation: 'transcribe', params: { file: 'x', language: 'en' } }),
    ).toEqual([]);
    expect(
      adapter.validate({ ...declaration, operation: 'translate', params: { audio: '$request.file' } }),
    ).toEqual([
      { path: ['operation'], message: 'unknown operation translate; audio sources have: transcribe' },
      { path: ['params'], message: 'audio sources need param file' },
      { path: ['params', 'audio'], message: 'unknown param audio; audio sources take file, language' },
    ]);
  });
});
