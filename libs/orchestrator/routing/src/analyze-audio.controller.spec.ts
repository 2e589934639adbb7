import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { multipartBodyLimit } from '@libs/core/http';
import { StandInService } from '@libs/core/testing';
import { multipart, post, startRouting, until, type FormPart } from './routing.test-harness';

const UPLOAD_MAX_BYTES = 64 * 1024;
const WAV_SIGNATURE = Buffer.from('RIFF\0\0\0\0WAVE', 'latin1');

const transcript = {
  task: 'transcribe',
  language: 'spanish',
  duration: 1.5,
  text: ' hola mundo',
  segments: [{ id: 0, start: 0, end: 1.5, text: ' hola mundo' }],
};
const analysis = { sentiment: { score: 0.2, label: 'positive' } };

describe('POST /analyze-audio', () => {
  const transcriptionService = new StandInService();
  const textService = new StandInService();
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    await Promise.all([transcriptionService.start(), textService.start()]);
    ({ app, url } = await startRouting({
      TEXT_SERVICE_URL: textService.url,
      TRANSCRIPTION_SERVICE_URL: transcriptionService.url,
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      // One failure counted would open the circuit: refused uploads must not count.
      TRANSCRIPTION_SERVICE_BREAKER_THRESHOLD: '1',
    }));
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([transcriptionService.stop(), textService.stop()]);
  });
  beforeEach(() => {
    transcriptionService.reset();
    textService.reset();
    transcriptionService.answer = () => ({ status: 200, body: transcript });
    textService.answer = () => ({ status: 200, body: analysis });
  });

  // Audio is known by its first bytes: each file begins as a WAV does, whatever follows.
  const audioPart = (bytes: Buffer, filename = 'speech.wav', contentType = 'audio/wav'): FormPart => ({
    name: 'file',
    value: Buffer.concat([WAV_SIGNATURE, bytes.subarray(WAV_SIGNATURE.length)]),
    filename,
    contentType,
  });

  const upload = (parts: FormPart[], query = '', options: { chunked?: boolean } = {}) => {
    const { contentType, body } = multipart(parts);
    return post(
      `${url}/analyze-audio${query}`,
      body,
      { 'content-type': contentType, 'x-request-id': 'req-audio' },
      options,
    );
  };

  it('streams the file to the transcription service and answers with its transcription', async () => {
    const file = audioPart(randomBytes(40_000));
    const answer = await upload([{ name: 'language', value: 'es' }, file], '', { chunked: true });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      transcription: {
        text: 'hola mundo',
        language: 'spanish',
        duration: 1.5,
        segments: [{ start: 0, end: 1.5, text: 'hola mundo' }],
      },
    });
    const [sent] = transcriptionService.requests;
    expect(sent.url).toBe('/v1/audio/transcriptions');
    expect(sent.headers['transfer-encoding']).toBe('chunked');
    expect(sent.headers['x-request-id']).toBe('req-audio');
    expect(sent.body.includes(file.value as Buffer)).toBe(true);
    expect(sent.body.toString('latin1')).toMatch(/name="language"\r\n\r\nes\r\n/);
    expect(textService.requests).toHaveLength(0);
  });

  it('with analyze=true, transcribes and then analyses the transcript in the language given', async () => {
    const answer = await upload([audioPart(randomBytes(1_000))], '?language=es&analyze=true');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ transcription: expect.objectContaining({ text: 'hola mundo' }), analysis });
    expect(transcriptionService.requests[0].body.toString('latin1')).toMatch(/name="language"\r\n\r\nes\r\n/);
    expect(JSON.parse(textService.requests[0].body.toString())).toEqual({
      text: 'hola mundo',
      language: 'es',
    });
    expect(textService.requests[0].headers['x-request-id']).toBe('req-audio');
  });

  it('honours analyze sent as a form field after the file', async () => {
    const answer = await upload([audioPart(randomBytes(1_000)), { name: 'analyze', value: 'true' }]);
    expect(answer.status).toBe(200);
    expect(answer.body.analysis).toEqual(analysis);
    expect(JSON.parse(textService.requests[0].body.toString())).toEqual({ text: 'hola mundo' });
  });

  it('refuses a body that is not multipart with 415', async () => {
    const answer = await post(`${url}/analyze-audio`, Buffer.from('{"file":"x"}'), {
      'content-type': 'application/json',
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect(answer.body.message).toContain('multipart/form-data');
  });

  it('refuses a file that is not audio with 415, without calling the transcription service', async () => {
    const answer = await upload([
      { name: 'file', value: Buffer.from('shopping list'), filename: 'notes.txt', contentType: 'text/plain' },
    ]);
    expect(answer.status).toBe(415);
    expect(answer.body.message).toContain('notes.txt');
    expect(transcriptionService.requests).toHaveLength(0);
  });

  it('asks for the file with a 400 that lists it', async () => {
    const answer = await upload([{ name: 'language', value: 'en' }]);
    expect(answer.status).toBe(400);
    expect(answer.body.fields).toEqual([
      { field: 'file', errors: [expect.stringContaining('file is required')] },
    ]);
  });

  it('lists invalid options, given as query parameters or as form fields', async () => {
    const fromQuery = await upload([audioPart(randomBytes(100))], '?language=english');
    expect(fromQuery.status).toBe(400);
    expect(fromQuery.body.fields.map((f: { field: string }) => f.field)).toEqual(['language']);

    const fromForm = await upload([
      { name: 'analyze', value: 'yes' },
      { name: 'model', value: 'whisper-1' },
      audioPart(randomBytes(100)),
    ]);
    expect(fromForm.status).toBe(400);
    expect(fromForm.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['analyze', 'model']);
    expect(transcriptionService.requests).toHaveLength(0);
  });

  it('refuses a language field that follows the file with a 400 saying where to put it', async () => {
    const answer = await upload([audioPart(randomBytes(1_000)), { name: 'language', value: 'es' }]);
    expect(answer.status).toBe(400);
    expect(answer.body.fields.map((f: { field: string }) => f.field)).toEqual(['language']);
    expect(answer.body.message).toMatch(/before the file/);
    expect(answer.body.message).toMatch(/query parameter/);
    await until(() => transcriptionService.requests.every((request) => request.cut));
  });

  it('refuses an upload whose declared length is over the limit and the form around it with 413, before reading it', async () => {
    const answer = await upload([audioPart(randomBytes(multipartBodyLimit(UPLOAD_MAX_BYTES) + 1_000))]);
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(transcriptionService.requests).toHaveLength(0);
  });

  it('stops a file that grows past the limit while streaming with 413, and aborts its upload', async () => {
    const size = 16 * UPLOAD_MAX_BYTES;
    const answer = await upload([audioPart(randomBytes(size))], '', { chunked: true });

    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(answer.body.message).toContain(`${UPLOAD_MAX_BYTES} bytes`);
    // The upload may have been aborted before it even reached the transcription service.
    await until(() => transcriptionService.requests.every((request) => request.cut));
    expect(
      transcriptionService.requests.every((request) => request.body.length < UPLOAD_MAX_BYTES + 1_000),
    ).toBe(true);
  });

  it('aborts the transcription upload of a client that goes away mid-file', async () => {
    const { contentType, body } = multipart([audioPart(randomBytes(UPLOAD_MAX_BYTES / 2))]);
    const client = request(`${url}/analyze-audio`, {
      method: 'POST',
      headers: { 'content-type': contentType },
    });
    client.on('error', () => undefined);
    client.write(body.subarray(0, body.length / 2));
    await until(() => (transcriptionService.requests[0]?.body.length ?? 0) > 0);
    client.destroy();
    await until(() => transcriptionService.requests[0].cut);
  });

  it('does not hold the uploads it aborted against the transcription service', async () => {
    await upload([audioPart(randomBytes(4 * UPLOAD_MAX_BYTES))], '', { chunked: true });
    await upload([audioPart(randomBytes(1_000)), { name: 'language', value: 'es' }]);
    expect((await upload([audioPart(randomBytes(1_000))])).status).toBe(200);
  });

  it('accepts a file of exactly the limit', async () => {
    const answer = await upload([audioPart(randomBytes(UPLOAD_MAX_BYTES))], '', { chunked: true });
    expect(answer.status).toBe(200);
  });

  it("passes a refusal of the transcription service on, in the orchestrator's words", async () => {
    transcriptionService.answer = () => ({
      status: 415,
      body: { error: { message: 'Unsupported file format', type: 'invalid_request_error' } },
    });
    const answer = await upload([audioPart(randomBytes(1_000), 'speech.flac', 'audio/flac')]);
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ source: 'transcription-service', requestId: 'req-audio' });
    expect(answer.body.message).toBe('transcription-service rejected the request (HTTP 415)');
  });
});
