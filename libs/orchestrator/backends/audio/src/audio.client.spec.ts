import type { TestingModule } from '@nestjs/testing';
import { failureOf } from '@libs/core/testing';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { firstValueFrom } from 'rxjs';
import { AudioClient } from './audio.client';
import { AudioHealthIndicator } from './audio.health';
import { TranscriptionServiceStandIn, audioModuleFor } from './audio.test-harness';

const verboseAnswer = {
  task: 'transcribe',
  language: 'english',
  duration: 2.05,
  text: ' go forward ten meters',
  segments: [
    { id: 0, seek: 0, start: 0, end: 2.05, text: ' go forward ten meters', tokens: [], no_speech_prob: 0.01 },
  ],
  words: [{ word: 'go', start: 0.1, end: 0.3 }],
};

describe('AudioClient against a stand-in transcription service', () => {
  const standIn = new TranscriptionServiceStandIn();
  let moduleRef: TestingModule;
  let client: AudioClient;

  beforeAll(async () => {
    await standIn.start();
    moduleRef = await audioModuleFor(standIn.url, {
      TRANSCRIPTION_SERVICE_TIMEOUT_MS: '5000',
      // Retries allowed, to show that a transcription never uses them.
      TRANSCRIPTION_SERVICE_RETRIES: '2',
      TRANSCRIPTION_SERVICE_HEALTH_PATH: '/v1/models',
      TRANSCRIPTION_MODEL: 'whisper-large-v3',
    });
    client = moduleRef.get(AudioClient);
  });
  afterAll(async () => {
    await moduleRef.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.uploads.length = 0;
    standIn.paths.length = 0;
    standIn.script = () => ({ status: 200, body: verboseAnswer });
  });

  const transcribe = (stream: Readable, language?: string) =>
    firstValueFrom(
      client.transcribe(
        { stream, filename: 'command.wav', mimeType: 'audio/wav' },
        { language },
        { requestId: 'req-1' },
      ),
    );

  it('streams the file in a chunked multipart request with the OpenAI fields, file last', async () => {
    const audio = randomBytes(300_000);
    await transcribe(Readable.from([audio.subarray(0, 100_000), audio.subarray(100_000)]), 'es');

    const [upload] = standIn.uploads;
    expect(upload.url).toBe('/v1/audio/transcriptions');
    expect(upload.headers['transfer-encoding']).toBe('chunked');
    expect(upload.headers['content-length']).toBeUndefined();
    expect(upload.headers['x-request-id']).toBe('req-1');
    expect(upload.fields).toEqual({
      model: 'whisper-large-v3',
      language: 'es',
      response_format: 'verbose_json',
    });
    expect(upload.order.at(-1)).toBe('file');
    expect(upload.file).toEqual({ filename: 'command.wav', mimeType: 'audio/wav', bytes: audio });
  });

  it('sends the first bytes on before the rest of the file exists', async () => {
    const source = new PassThrough();
    const transcription = transcribe(source);
    source.write(Buffer.alloc(64_000, 1));
    while (standIn.fileBytesSoFar < 64_000) await new Promise((resolve) => setTimeout(resolve, 5));
    source.end(Buffer.alloc(1_000, 2));
    await transcription;
    expect(standIn.uploads[0].file?.bytes.length).toBe(65_000);
    expect(standIn.uploads[0].fields).not.toHaveProperty('language');
  });

  it('keeps the text, language, duration and segment timings of the verbose answer', async () => {
    await expect(transcribe(Readable.from([Buffer.from('RIFF')]))).resolves.toEqual({
      text: 'go forward ten meters',
      language: 'english',
      duration: 2.05,
      segments: [{ start: 0, end: 2.05, text: 'go forward ten meters' }],
    });
  });

  it('answers a body without a transcript text with a 502', async () => {
    standIn.script = () => ({ status: 200, body: { transcript: 'hello' } });
    const error = await failureOf(transcribe(Readable.from([Buffer.from('RIFF')])));
    expect(error).toMatchObject({ status: 502, kind: 'bad-gateway', source: 'transcription-service' });
  });

  it.each([400, 413, 415])(
    "passes a %i on, keeping the OpenAI error envelope's message for the logs",
    async (status) => {
      standIn.script = () => ({
        status,
        body: { error: { message: 'Unsupported file format', type: 'invalid_request_error', param: 'file' } },
      });
      const error = await failureOf(transcribe(Readable.from([Buffer.from('RIFF')])));
      expect(error).toMatchObject({
        status,
        kind: 'rejected',
        source: 'transcription-service',
        message: `transcription-service rejected the request (HTTP ${status})`,
        detail: 'Unsupported file format',
      });
    },
  );

  it('never retries a transcription', async () => {
    standIn.script = () => ({ status: 503, body: { error: { message: 'model loading' } } });
    const error = await failureOf(transcribe(Readable.from([Buffer.from('RIFF')])));
    expect(error).toMatchObject({ status: 502, source: 'transcription-service' });
    expect(standIn.uploads).toHaveLength(1);
  });

  it('probes the configured health path', async () => {
    const result = await moduleRef.get(AudioHealthIndicator).check();
    expect(result['transcription-service']).toMatchObject({ status: 'up', available: true });
    expect(standIn.paths).toEqual(['GET /v1/models']);
  });
});
