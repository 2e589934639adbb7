import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIError, toFile } from 'openai';
import {
  LONG_RECORDING,
  RECORDED_PHRASE,
  RELIABLE_PHRASE,
  RELIABLE_WORDS,
  recordingWithPause,
  speak,
} from './speech.testing';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import { TranscriptionModule } from './transcription.module';

/** The first bytes of a WAV file, by which the service knows audio. */
const WAV_SIGNATURE = Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1');

/** Room for the recordings the streaming tests send (up to 12 s of 16 kHz audio). */
const MAX_BYTES = 400_000;

interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: null };
}

async function startApp(config: TranscriptionConfig): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [TranscriptionModule] })
    .overrideProvider(transcriptionConfig.KEY)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('OpenAI-compatible transcription API over real HTTP', () => {
  let app: INestApplication;
  let base: string;
  let fixtures: string;
  let workRoot: string;
  let phrase: Blob;
  let twice: Buffer;
  let thenLong: Buffer;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'api-spec-fixtures-'));
    workRoot = await mkdtemp(join(tmpdir(), 'api-spec-work-'));
    phrase = new Blob([await readFile(await speak(fixtures, 'phrase.wav', RELIABLE_PHRASE))], {
      type: 'audio/wav',
    });
    twice = await readFile(await recordingWithPause(fixtures, 'twice.wav', 1.5));
    thenLong = await readFile(await recordingWithPause(fixtures, 'then-long.wav', 1.5, LONG_RECORDING));
    app = await startApp({ ...transcriptionConfig(), maxBytes: MAX_BYTES, tmpDir: workRoot });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    const leftovers = await readdir(workRoot);
    await rm(fixtures, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
    // Uploads and converted audio are gone, whatever the request's outcome.
    expect(leftovers).toEqual([]);
  });

  const form = (fields: Record<string, string | string[]>, file?: { blob: Blob; name: string }) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of [value].flat()) body.append(name, item);
    }
    if (file) body.append('file', file.blob, file.name);
    return body;
  };
  const post = (body: FormData | string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${base}/v1/audio/transcriptions`, { method: 'POST', body, headers, signal });

  /** The uploads and converted audio of requests; the decoders' own directories (their FIFOs) aside. */
  const requestFiles = async () =>
    (await readdir(workRoot)).filter((name) => !name.startsWith('pocketsphinx-decoder-')).length;

  async function requestFilesOnceThereAre(count: number): Promise<number> {
    for (let waited = 0; waited < 2000 && (await requestFiles()) !== count; waited += 20) {
      await sleep(20);
    }
    return requestFiles();
  }

  async function expectOpenAiError(res: Response, status: number, param: string | null): Promise<string> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as OpenAiError;
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toEqual({
      message: expect.any(String),
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      param,
      code: null,
    });
    return body.error.message;
  }

  it('answers json with the transcript', async () => {
    const fields = { model: 'whisper-1', ['__proto__']: 'ignored', stream: 'false' };
    const res = await post(form(fields, { blob: phrase, name: 'phrase.wav' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { text: string };
    expect(Object.keys(body)).toEqual(['text']);
    for (const word of RELIABLE_WORDS) expect(body.text.split(' ')).toContain(word);
  });

  it('answers verbose_json with segments and, when asked, words', async () => {
    const res = await post(
      form(
        {
          model: 'pocketsphinx-en-us',
          language: 'en',
          prompt: 'ignored',
          temperature: '0.2',
          response_format: 'verbose_json',
          'timestamp_granularities[]': ['segment', 'word'],
        },
        { blob: phrase, name: 'phrase.wav' },
      ),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      segments: Record<string, unknown>[];
      words: { word: string }[];
    };
    expect(body).toMatchObject({ task: 'transcribe', language: 'english', duration: expect.any(Number) });
    expect(body.segments[0]).toEqual({
      id: 0,
      seek: 0,
      start: expect.any(Number),
      end: expect.any(Number),
      text: expect.stringContaining('want'),
      tokens: [],
      temperature: 0,
      avg_logprob: expect.any(Number),
      compression_ratio: expect.any(Number),
      no_speech_prob: 0,
    });
    expect(body.words.map((w) => w.word)).toEqual(expect.arrayContaining(RELIABLE_WORDS));
  });

  it('answers vtt as text/vtt subtitles', async () => {
    const res = await post(
      form({ model: 'm', response_format: 'vtt' }, { blob: phrase, name: 'phrase.wav' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/vtt/);
    expect(await res.text()).toMatch(/^WEBVTT\n\n00:00:00\.\d{3} --> 00:00:0\d\.\d{3}\n.*want/);
  });

  it('requires a file', async () => {
    const message = await expectOpenAiError(await post(form({ model: 'm' })), 400, 'file');
    expect(message).toMatch(/file is required/i);
  });

  it.each([
    ['model', {}],
    ['response_format', { model: 'm', response_format: 'mp3' }],
    ['temperature', { model: 'm', temperature: '1.5' }],
    ['timestamp_granularities[]', { model: 'm', 'timestamp_granularities[]': 'sentence' }],
  ])('names an invalid %s', async (param, fields) => {
    await expectOpenAiError(await post(form(fields, { blob: phrase, name: 'phrase.wav' })), 400, param);
  });

  it('refuses a language other than English, saying which are supported', async () => {
    const res = await post(form({ model: 'm', language: 'es' }, { blob: phrase, name: 'phrase.wav' }));
    expect(await expectOpenAiError(res, 400, 'language')).toMatch(/'es' is not supported.*\ben\b/);
  });

  it('refuses a file over the limit while it streams in', async () => {
    const oversized = new Blob([WAV_SIGNATURE, new Uint8Array(MAX_BYTES + 1 - WAV_SIGNATURE.length)], {
      type: 'audio/wav',
    });
    const res = await post(form({ model: 'm' }, { blob: oversized, name: 'long.wav' }));
    expect(await expectOpenAiError(res, 413, 'file')).toContain(`${MAX_BYTES} bytes`);
  });

  it('refuses a body whose Content-Length is over the limit before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/v1/audio/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(10 ** 9) },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      // The headers alone, and none of the gigabyte announced.
      req.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it('refuses a file that is not audio with a 415', async () => {
    const notes = new Blob(['meeting notes'], { type: 'text/plain' });
    const res = await post(form({ model: 'm' }, { blob: notes, name: 'notes.txt' }));
    expect(await expectOpenAiError(res, 415, 'file')).toContain('notes.txt');
  });

  it('refuses what is not audio by its first bytes with a 415, whatever its name and type', async () => {
    const text = new Blob(['not really a wav'], { type: 'audio/wav' });
    const res = await post(form({ model: 'm' }, { blob: text, name: 'fake.wav' }));
    expect(await expectOpenAiError(res, 415, 'file')).toMatch(/^fake\.wav \(audio\/wav\) is not audio/);
  });

  it('refuses audio that cannot be decoded with a 415', async () => {
    const corrupt = new Blob([WAV_SIGNATURE, 'but no audio after it'], { type: 'audio/wav' });
    const res = await post(form({ model: 'm' }, { blob: corrupt, name: 'corrupt.wav' }));
    expect(await expectOpenAiError(res, 415, 'file')).toMatch(/corrupt/);
  });

  it('refuses a request that is not multipart with a 415', async () => {
    const res = await post(JSON.stringify({ model: 'm' }), { 'content-type': 'application/json' });
    await expectOpenAiError(res, 415, null);
  });

  it('removes a partial upload when the client disconnects', async () => {
    const req = httpRequest(`${base}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '100000' },
    });
    req.on('error', () => undefined);
    req.write('--x\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n');
    req.write(Buffer.concat([WAV_SIGNATURE, Buffer.alloc(10_000)]));
    expect(await requestFilesOnceThereAre(1)).toBe(1);
    req.destroy();
    expect(await requestFilesOnceThereAre(0)).toBe(0);
  });

  describe('with stream=true', () => {
    const openai = () => new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
    const health = async () =>
      (
        (await (await fetch(`${base}/health`)).json()) as {
          details: { engine: { decoders: { decoders: { pid: number; busy: boolean }[]; exited: number } } };
        }
      ).details.engine.decoders;

    it('sends each utterance as a delta, then the transcript, to the official openai client', async () => {
      const events = await openai().audio.transcriptions.create({
        file: await toFile(twice, 'twice.wav'),
        model: 'pocketsphinx-en-us',
        stream: true,
      });
      const received = [];
      for await (const event of events) received.push(event);
      expect(received).toEqual([
        { type: 'transcript.text.delta', delta: RECORDED_PHRASE },
        { type: 'transcript.text.delta', delta: ` ${RECORDED_PHRASE}` },
        { type: 'transcript.text.done', text: `${RECORDED_PHRASE} ${RECORDED_PHRASE}` },
      ]);
    });

    it('answers text/event-stream, each event named by its type, for response_format text too', async () => {
      const res = await post(
        form(
          { model: 'm', stream: 'true', response_format: 'text' },
          { blob: new Blob([twice], { type: 'audio/wav' }), name: 'twice.wav' },
        ),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const body = await res.text();
      expect(body.split('\n\n').filter(Boolean)).toEqual([
        `event: transcript.text.delta\ndata: {"type":"transcript.text.delta","delta":"${RECORDED_PHRASE}"}`,
        `event: transcript.text.delta\ndata: {"type":"transcript.text.delta","delta":" ${RECORDED_PHRASE}"}`,
        `event: transcript.text.done\ndata: {"type":"transcript.text.done","text":"${RECORDED_PHRASE} ${RECORDED_PHRASE}"}`,
      ]);
    });

    it('sends espeak-ng speech too', async () => {
      const events = await openai().audio.transcriptions.create({
        file: await toFile(Buffer.from(await phrase.arrayBuffer()), 'phrase.wav'),
        model: 'whisper-1',
        stream: true,
      });
      const received = [];
      for await (const event of events) received.push(event);
      const done = received.at(-1);
      expect(done).toMatchObject({ type: 'transcript.text.done' });
      expect((done as { text: string }).text.split(' ')).toEqual(expect.arrayContaining(RELIABLE_WORDS));
    });

    it.each(['srt', 'vtt', 'verbose_json'])(
      'refuses response_format %s, which events do not carry',
      async (format) => {
        const res = await post(
          form({ model: 'm', stream: 'true', response_format: format }, { blob: phrase, name: 'phrase.wav' }),
        );
        expect(await expectOpenAiError(res, 400, 'stream')).toMatch(/json or text/);
      },
    );

    it('names an invalid stream value', async () => {
      await expectOpenAiError(
        await post(form({ model: 'm', stream: 'yes' }, { blob: phrase, name: 'phrase.wav' })),
        400,
        'stream',
      );
    });

    it('answers a failure before the first event with its status, as the client expects', async () => {
      const error = await openai()
        .audio.transcriptions.create({
          file: await toFile(Buffer.from('not really a wav'), 'fake.wav'),
          model: 'm',
          stream: true,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 415, param: 'file', type: 'invalid_request_error' });
    });

    it('ends with an error event, which the client throws, when the decoder dies after the first event', async () => {
      const events = await openai().audio.transcriptions.create({
        file: await toFile(thenLong, 'then-long.wav'),
        model: 'm',
        stream: true,
      });
      const received: unknown[] = [];
      const iterating = (async () => {
        for await (const event of events) {
          received.push(event);
          // The second utterance, seconds of decoding, has begun: its decoder dies.
          const busy = (await health()).decoders.find((decoder) => decoder.busy);
          if (busy) process.kill(busy.pid, 'SIGKILL');
        }
      })();
      const error = await iterating.catch((e: unknown) => e);
      expect(received).toEqual([{ type: 'transcript.text.delta', delta: RECORDED_PHRASE }]);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).message).toMatch(/PocketSphinx stopped \(SIGKILL\)/);
      expect((error as APIError).error).toMatchObject({ type: 'server_error', param: null, code: null });
    });

    it('stops the job of a client that goes away mid-stream', async () => {
      const before = await health();
      const client = new AbortController();
      const res = await post(
        form(
          { model: 'm', stream: 'true' },
          { blob: new Blob([thenLong], { type: 'audio/wav' }), name: 'then-long.wav' },
        ),
        {},
        client.signal,
      );
      const reader = res.body?.getReader();
      expect(new TextDecoder().decode((await reader?.read())?.value)).toContain(RECORDED_PHRASE);
      client.abort();
      // Its decoder is killed (and replaced): the rest of the recording is not decoded for no one.
      for (let waited = 0; waited < 5000 && (await health()).exited === before.exited; waited += 50)
        await sleep(50);
      expect((await health()).exited).toBe(before.exited + 1);
      expect(await requestFilesOnceThereAre(0)).toBe(0);
    });
  });

  it('reports its warm decoders in GET /health', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      details: {
        engine: {
          status: 'up',
          decoders: {
            size: transcriptionConfig().concurrency,
            decoders: expect.any(Array),
            exited: expect.any(Number),
          },
        },
      },
    });
  });

  it('lists its one model in OpenAI shape', async () => {
    const res = await fetch(`${base}/v1/models`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      object: 'list',
      data: [
        { id: 'pocketsphinx-en-us', object: 'model', created: expect.any(Number), owned_by: 'orchestrator' },
      ],
    });
  });

  it('documents the multipart form and every answer', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const operation = document.paths['/v1/audio/transcriptions'].post;
    expect(operation?.requestBody).toMatchObject({ content: { 'multipart/form-data': expect.anything() } });
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(['200', '400', '413', '415', '500']);
    expect(document.paths['/v1/models'].get).toBeDefined();
  });

  it('refuses to start when the engine is not installed', async () => {
    const broken = startApp({ ...transcriptionConfig(), pocketsphinxBin: '/nonexistent/pocketsphinx' });
    await expect(broken).rejects.toThrow('apt-get install -y pocketsphinx pocketsphinx-en-us');
  });
});
