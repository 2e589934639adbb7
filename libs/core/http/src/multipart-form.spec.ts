import { HttpException } from '@nestjs/common';
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { MultipartForm, multipartBodyLimit, type MultipartLimits } from './multipart-form';

const BOUNDARY = 'spec-boundary';
const filePart = (name: string, filename: string, type: string, bytes: Buffer) =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    bytes,
    Buffer.from('\r\n'),
  ]);
const fieldPart = (name: string, value: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const closing = Buffer.from(`--${BOUNDARY}--\r\n`);
const WAV = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt '), Buffer.alloc(2_000, 1)]);

interface Outcome {
  parts: string[];
  /** Bytes of the file's stream as the consumer read them. */
  fileBytes: number;
  error?: HttpException;
  fileError?: unknown;
}

/** One real HTTP server whose handler reads the form with `limits` and records what it read. */
class FormServer {
  private server!: Server;
  url = '';
  limits: MultipartLimits = { fileMaxBytes: 10_000, fileFields: ['file'] };
  outcome?: Promise<Outcome>;

  async start() {
    this.server = createServer((req, res) => (this.outcome = this.read(req, res)));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise((resolve) => this.server.close(resolve));
  }

  private async read(req: IncomingMessage, res: ServerResponse): Promise<Outcome> {
    const outcome: Outcome = { parts: [], fileBytes: 0 };
    const files: Readable[] = [];
    try {
      const form = MultipartForm.open(req, res, this.limits);
      for (let part = await form.next(); part; part = await form.next()) {
        outcome.parts.push(
          part.kind === 'file' ? `file ${part.name} ${part.filename}` : `${part.name}=${part.value}`,
        );
        if (part.kind === 'file') {
          files.push(part.stream);
          part.stream.on('data', (chunk: Buffer) => (outcome.fileBytes += chunk.length));
        }
      }
      await Promise.all(files.map((file) => finished(file)));
    } catch (error) {
      outcome.error = error as HttpException;
    }
    // A failed form fails its file's stream with the same error, however early it came.
    const fileError = files.find((file) => file.errored)?.errored;
    if (fileError) outcome.fileError = fileError;
    res.writeHead(outcome.error ? outcome.error.getStatus() : 200).end();
    return outcome;
  }
}

/** Sends `body` as it is (Content-Length, or chunked), or only its first `cut` bytes before the socket is destroyed. */
function send(
  url: string,
  body: Buffer,
  options: { contentType?: string; chunked?: boolean; cut?: number } = {},
) {
  return new Promise<number | undefined>((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? `multipart/form-data; boundary=${BOUNDARY}`,
        ...(options.chunked ? {} : { 'content-length': body.length }),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    if (options.cut !== undefined) {
      req.write(body.subarray(0, options.cut));
      setTimeout(() => req.destroy(), 50);
    } else {
      req.end(body);
    }
  });
}

describe('MultipartForm over real HTTP', () => {
  const server = new FormServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => (server.limits = { fileMaxBytes: 10_000, fileFields: ['file'] }));

  it('gives the parts in the order of the body, the file as a stream of all its bytes', async () => {
    const body = Buffer.concat([
      fieldPart('language', 'es'),
      filePart('file', 'a.wav', 'audio/wav', WAV),
      fieldPart('analyze', 'true'),
      closing,
    ]);
    expect(await send(server.url, body, { chunked: true })).toBe(200);
    expect(await server.outcome).toEqual({
      parts: ['language=es', 'file file a.wav', 'analyze=true'],
      fileBytes: WAV.length,
    });
  });

  it.each([
    [
      'no closing boundary',
      Buffer.concat([filePart('file', 'a.wav', 'audio/wav', WAV)]),
      'ended before its closing boundary',
    ],
    ['an empty body', Buffer.alloc(0), 'ended before its closing boundary'],
    [
      'another boundary',
      Buffer.from(`--other\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--other--\r\n`),
      'ended before its closing boundary',
    ],
    [
      'a truncated part header',
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-da`),
      'closing boundary',
    ],
  ])('answers %s with the client’s 400, failing the file stream with it', async (_case, body, message) => {
    expect(await send(server.url, body)).toBe(400);
    const { error, fileError } = await (server.outcome as Promise<Outcome>);
    expect(error?.getStatus()).toBe(400);
    expect(error?.message).toContain(message);
    if (fileError) expect(fileError).toBe(error);
  });

  it('answers a Content-Type without a boundary, and a body that is no form, with 400 and 415', async () => {
    expect(await send(server.url, closing, { contentType: 'multipart/form-data' })).toBe(400);
    expect((await server.outcome)?.error?.message).toMatch(/no boundary/);
    expect(await send(server.url, closing, { contentType: 'application/json' })).toBe(415);
  });

  it('counts the file on the stream, chunked or not: past the limit, a 413 that ends the stream too', async () => {
    server.limits = { fileMaxBytes: 1_000, fileFields: ['file'] };
    const body = Buffer.concat([filePart('file', 'a.wav', 'audio/wav', WAV), closing]);
    expect(await send(server.url, body, { chunked: true })).toBe(413);
    const { error, fileError, fileBytes } = await (server.outcome as Promise<Outcome>);
    expect(error?.getStatus()).toBe(413);
    // A file over the limit in its first chunk is never handed out; a later one fails with the form.
    if (fileError) expect(fileError).toBe(error);
    expect(fileBytes).toBeLessThanOrEqual(1_001);
  });

  it('refuses a declared length over the file limit and the form around it before reading', async () => {
    server.limits = { fileMaxBytes: 1_000, fileFields: ['file'] };
    const body = Buffer.concat([
      filePart('file', 'a.wav', 'audio/wav', Buffer.alloc(multipartBodyLimit(1_000) + 1)),
      closing,
    ]);
    expect(await send(server.url, body)).toBe(413);
    expect((await server.outcome)?.parts).toEqual([]);
  });

  it('refuses a field too long, too many fields, and a file in a field that takes none', async () => {
    server.limits = { fileMaxBytes: 10_000, fileFields: ['file'], maxFields: 2, fieldMaxBytes: 8 };
    expect(await send(server.url, Buffer.concat([fieldPart('note', 'much too long'), closing]))).toBe(400);
    expect((await server.outcome)?.error?.message).toBe('The form field note is longer than 8 bytes');
    const many = Buffer.concat([fieldPart('a', '1'), fieldPart('b', '2'), fieldPart('c', '3'), closing]);
    expect(await send(server.url, many)).toBe(400);
    expect((await server.outcome)?.error?.message).toBe('The form has more than 2 fields');
    expect(
      await send(server.url, Buffer.concat([filePart('avatar', 'a.wav', 'audio/wav', WAV), closing])),
    ).toBe(400);
    expect((await server.outcome)?.error?.message).toBe(
      'The form field avatar holds a file; files go in file',
    );
  });

  it('checks the first bytes of a file before a byte of it is passed on: a refusal is a 415', async () => {
    const seen: Buffer[] = [];
    server.limits = {
      fileMaxBytes: 10_000,
      fileFields: ['file'],
      headBytes: 12,
      checkFile: ({ head, filename }) => (
        seen.push(head),
        head.subarray(0, 4).toString() === 'RIFF' ? undefined : `${filename} is no WAV`
      ),
    };
    const text = Buffer.concat([
      filePart('file', 'notes.txt', 'text/plain', Buffer.from('shopping list: milk, eggs')),
      closing,
    ]);
    expect(await send(server.url, text)).toBe(415);
    expect(await server.outcome).toMatchObject({ parts: [], fileBytes: 0 });
    expect((await server.outcome)?.error?.message).toBe('notes.txt is no WAV');
    const short = Buffer.concat([filePart('file', 'a.wav', 'audio/wav', Buffer.from('RIFF')), closing]);
    expect(await send(server.url, short)).toBe(200);
    expect(seen.at(-1)?.toString()).toBe('RIFF');
  });

  it('fails the form and the file stream when the client goes away mid-file', async () => {
    const body = Buffer.concat([filePart('file', 'a.wav', 'audio/wav', WAV), closing]);
    await send(server.url, body, { cut: 200 });
    const { error, fileError } = await (server.outcome as Promise<Outcome>);
    expect(error?.getStatus()).toBe(400);
    expect(error?.message).toBe('The request ended before its form was complete');
    expect(fileError).toBe(error);
  });
});
