import { BadRequestException } from '@nestjs/common';
import { LocalHttpServer, failureOf, unusedPortUrl } from '@libs/core/testing';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientFaultIn, toDownstreamError } from './failure';
import { downstreamHttpOptions } from './downstream.client';

const ONE_MIB = 1024 * 1024;

/** What the server saw of one request: its head, the bytes of its body, and how it ended. */
interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  remotePort: number;
  bodyBytes: number;
  body: Buffer;
  /** The client went away before the request body ended. */
  cutShort: boolean;
}

/** How the server ended its answer: written whole, or cut by the client first. */
interface Answered {
  bytesWritten: number;
  finished: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse, received: Received) => unknown;

/** A real HTTP server on 127.0.0.1 whose answer each test scripts, keeping what it saw. */
class Downstream extends LocalHttpServer {
  handler: Handler = (_req, res) => json(res, 200, { ok: true });
  readonly received: Received[] = [];
  readonly answered: Answered[] = [];
  connections = 0;

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  override async start(): Promise<this> {
    await super.start();
    return this;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const received: Received = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      remotePort: req.socket.remotePort ?? 0,
      bodyBytes: 0,
      body: Buffer.alloc(0),
      cutShort: false,
    };
    this.received.push(received);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      received.bodyBytes += chunk.length;
      if (received.bodyBytes <= ONE_MIB) chunks.push(chunk);
    });
    req.on('end', () => (received.body = Buffer.concat(chunks)));
    req.on('aborted', () => (received.cutShort = true));
    req.on('error', () => (received.cutShort = true));
    const answered: Answered = { bytesWritten: 0, finished: false };
    this.answered.push(answered);
    const write = res.write.bind(res);
    res.write = ((chunk: Buffer, ...rest: never[]) => {
      answered.bytesWritten += chunk.length;
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.on('finish', () => (answered.finished = true));
    void this.handler(req, res, received);
  }

  reset(): void {
    this.received.length = 0;
    this.answered.length = 0;
    this.handler = (_req, res) => json(res, 200, { ok: true });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Writes `total` bytes of a JSON string in 64 KiB pieces, honouring the socket's backpressure. */
async function writeHuge(res: ServerResponse, total: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json' });
  const piece = Buffer.alloc(64 * 1024, 'a');
  res.write('"');
  for (let sent = 0; sent < total && !res.destroyed; sent += piece.length) {
    if (!res.write(piece)) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end('"');
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/** Resolves once `condition` holds, polling; fails the test after two seconds. */
async function until(what: string, condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error(`still waiting for ${what}`);
    await sleep(5);
  }
}

describe('undiciAdapter, under axios as the downstream clients use it, against a real server', () => {
  const server = new Downstream();
  let http: AxiosInstance;
  const unhandled: unknown[] = [];
  const keep = (error: unknown) => unhandled.push(error);

  beforeAll(async () => {
    await server.start();
    process.on('unhandledRejection', keep);
    process.on('uncaughtException', keep);
  });
  afterAll(async () => {
    process.off('unhandledRejection', keep);
    process.off('uncaughtException', keep);
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    http = axios.create({ ...downstreamHttpOptions(), baseURL: server.url });
  });
  afterEach(async () => {
    // An error nobody handled surfaces a moment after the call that caused it has failed.
    await sleep(20);
    expect(unhandled).toEqual([]);
  });

  it('sends the method, path, query and headers, and answers the parsed JSON', async () => {
    server.handler = (_req, res) => json(res, 200, { label: 'positive', score: 0.9 });

    const response = await http.request({
      method: 'POST',
      url: '/analyze',
      params: new URLSearchParams({ lang: 'en', q: 'a b&c' }),
      headers: { 'X-Request-ID': 'rid-1' },
      data: { text: 'hi' },
    });

    expect(response).toMatchObject({ status: 200, data: { label: 'positive', score: 0.9 } });
    const [received] = server.received;
    expect(received).toMatchObject({ method: 'POST', url: '/analyze?lang=en&q=a+b%26c' });
    expect(JSON.parse(received.body.toString())).toEqual({ text: 'hi' });
    expect(received.headers).toMatchObject({
      'x-request-id': 'rid-1',
      'content-type': 'application/json',
      'content-length': String(received.bodyBytes),
      'user-agent': `axios/${axios.VERSION}`,
      'accept-encoding': 'gzip, deflate, br',
    });
  });

  it('keeps a relative path under the base URL, even one that looks absolute, and the URL credentials as Basic', async () => {
    const base = new URL(server.url);
    base.username = 'svc';
    base.password = 'p@ss';
    base.pathname = '/api/';

    await http.get('//elsewhere.example/items', { baseURL: base.toString(), allowAbsoluteUrls: false });

    expect(server.received[0]).toMatchObject({
      url: '/api/elsewhere.example/items',
      headers: { authorization: `Basic ${Buffer.from('svc:p@ss').toString('base64')}` },
    });
  });

  it('reuses kept-alive connections for calls made one after another', async () => {
    for (let i = 0; i < 6; i++) await http.get('/health');

    // The pool may open a second connection while the first finishes its answer, not more.
    const ports = new Set(server.received.map(({ remotePort }) => remotePort));
    expect(server.received.length).toBe(6);
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it('streams a request body as it is produced: the server has its first part before the rest exists', async () => {
    const upload = new PassThrough();
    server.handler = (req, res) => {
      req.on('end', () => json(res, 200, { bytes: server.received[0].bodyBytes }));
    };
    const call = http.post('/upload', upload, { headers: { 'Content-Type': 'application/octet-stream' } });

    upload.write(Buffer.alloc(64 * 1024, 1));
    await until('the first part to reach the server', () => server.received[0]?.bodyBytes === 64 * 1024);
    upload.end(Buffer.alloc(64 * 1024, 2));

    expect((await call).data).toEqual({ bytes: 128 * 1024 });
    expect(server.received[0].headers['transfer-encoding']).toBe('chunked');
  });

  it('reads a large answer within the limit whole', async () => {
    server.handler = (_req, res) => writeHuge(res, 4 * ONE_MIB);

    const response = await http.get<string>('/large', { maxContentLength: 5 * ONE_MIB });

    expect(response.data.length).toBe(4 * ONE_MIB);
  });

  it('cuts an endless answer once past the limit: the connection destroyed, the error named for the limit', async () => {
    server.handler = (_req, res) => writeHuge(res, 100 * ONE_MIB);

    const error = await failureOf<AxiosError>(http.get('/huge', { maxContentLength: ONE_MIB }));

    expect(error.message).toBe(`maxContentLength size of ${ONE_MIB} exceeded`);
    expect(toDownstreamError('catalog', error)).toMatchObject({
      kind: 'bad-gateway',
      status: 502,
      message: `catalog answered more than ${ONE_MIB} bytes`,
    });
    await until('the server to see the connection closed', () => server.answered[0]?.bytesWritten > 0);
    const [answered] = server.answered;
    await sleep(50);
    expect(answered.finished).toBe(false);
    expect(answered.bytesWritten).toBeLessThan(10 * ONE_MIB);
  });

  it('refuses an answer announced larger than the limit without reading it', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * ONE_MIB) });
      res.write('"');
    };

    const error = await failureOf<AxiosError>(http.get('/announced', { maxContentLength: ONE_MIB }));

    expect(error.message).toBe(`maxContentLength size of ${ONE_MIB} exceeded`);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('reads a %s answer decompressed, its encoding headers gone', async (encoding, compress) => {
    const body = compress(JSON.stringify({ items: Array.from({ length: 500 }, (_, index) => index) }));
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end(body);
    };

    const response = await http.get<{ items: number[] }>('/compressed');

    expect(response.data.items).toHaveLength(500);
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  it('holds a compressed answer to the limit once decompressed: a small body inflating past it fails', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * ONE_MIB, ' '));
    expect(bomb.length).toBeLessThan(ONE_MIB / 10);
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    };

    const error = await failureOf<AxiosError>(http.get('/bomb', { maxContentLength: ONE_MIB }));

    expect(error.message).toBe(`maxContentLength size of ${ONE_MIB} exceeded`);
  });

  it('fails an answer whose encoding is broken as a bad response', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end('not gzip at all');
    };

    const error = await failureOf<AxiosError>(http.get('/broken-gzip'));

    expect(error.code).toBe(AxiosError.ERR_BAD_RESPONSE);
    expect(error.message).toMatch(/^the answer could not be decompressed/);
  });

  it('fails a non-2xx answer with its status and parsed body', async () => {
    server.handler = (_req, res) => json(res, 503, { message: 'warming up' });

    const error = await failureOf<AxiosError>(http.get('/busy'));

    expect({ status: error.response?.status, data: error.response?.data }).toEqual({
      status: 503,
      data: { message: 'warming up' },
    });
    expect(toDownstreamError('text-service', error).message).toBe('text-service failed with HTTP 503');
  });

  it('answers a redirect rather than following it', async () => {
    server.handler = (_req, res) => res.writeHead(302, { location: '/elsewhere' }).end();

    const error = await failureOf<AxiosError>(http.get('/moved'));

    expect(error.response?.status).toBe(302);
    expect(server.received.map(({ url }) => url)).toEqual(['/moved']);
  });

  it('fails an answer that is not the JSON it claims to be as unparseable', async () => {
    server.handler = (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>proxy error</html>');

    const error = await failureOf(http.get('/broken', { responseType: 'json' }));

    expect(toDownstreamError('text-service', error).status).toBe(502);
  });

  it('cancels a request whose body is still being sent, when its signal aborts', async () => {
    const upload = new PassThrough();
    const controller = new AbortController();
    server.handler = () => undefined;
    const call = http.post('/upload', upload, { signal: controller.signal });
    upload.write(Buffer.alloc(16 * 1024));
    await until('the upload to begin', () => server.received[0]?.bodyBytes > 0);

    controller.abort();

    expect(axios.isCancel(await failureOf(call))).toBe(true);
    await until('the server to see the request cut', () => server.received[0].cutShort);
    expect(upload.destroyed).toBe(true);
  });

  it('cancels a request whose answer is half read, when its signal aborts', async () => {
    const controller = new AbortController();
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    };
    const call = http.get('/slow-body', { signal: controller.signal });
    await until('the answer to begin', () => server.answered[0]?.bytesWritten > 0);
    await sleep(20);

    controller.abort();

    expect(axios.isCancel(await failureOf(call))).toBe(true);
    await until('the connection to be closed', () => server.answered[0].finished === false);
  });

  it('sends nothing for a signal aborted before the call', async () => {
    const controller = new AbortController();
    controller.abort();

    expect(axios.isCancel(await failureOf(http.get('/never', { signal: controller.signal })))).toBe(true);
    await sleep(20);
    expect(server.received).toEqual([]);
  });

  it('does not abort a call that answered when its signal aborts later', async () => {
    const controller = new AbortController();
    const response = await http.get('/health', { signal: controller.signal });
    controller.abort();

    await sleep(10);
    expect(response.data).toEqual({ ok: true });
  });

  it('fails at its timeout, as the health probe sets it, with a timeout code', async () => {
    server.handler = (_req, res) => void setTimeout(() => json(res, 200, {}), 1_000);

    const error = await failureOf<AxiosError>(http.get('/slow', { timeout: 50 }));

    expect(error.code).toBe('ETIMEDOUT');
    expect(toDownstreamError('text-service', error)).toMatchObject({ kind: 'timeout', status: 504 });
  });

  it('reports a downstream that resets the connection mid-answer as a bad gateway', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"half":');
      setTimeout(() => res.socket?.destroy(), 10);
    };

    const error = await failureOf(http.get('/reset'));

    expect(toDownstreamError('text-service', error)).toMatchObject({
      kind: 'bad-gateway',
      status: 502,
      detail: expect.stringContaining('the answer was cut short'),
    });
  });

  it('reports a downstream that resets the connection before answering as unavailable', async () => {
    server.handler = (req) => req.socket.destroy();

    const error = await failureOf(http.get('/reset'));

    expect(toDownstreamError('text-service', error)).toMatchObject({ kind: 'unavailable', status: 503 });
  });

  it('reports a refused connection as unavailable', async () => {
    const error = await failureOf(http.get('/health', { baseURL: await unusedPortUrl() }));

    expect(toDownstreamError('text-service', error)).toMatchObject({
      kind: 'unavailable',
      message: 'text-service is unavailable (ECONNREFUSED)',
    });
  });

  it("fails with the client's own fault when the body it streams fails (an upload cut short)", async () => {
    const upload = new PassThrough();
    server.handler = () => undefined;
    const cutShort = new BadRequestException('The multipart body ended before its closing boundary');
    const call = http.post('/upload', upload);
    upload.write(Buffer.alloc(1024));
    await until('the upload to begin', () => server.received[0]?.bodyBytes > 0);

    upload.destroy(cutShort);

    expect(clientFaultIn(await failureOf(call))).toBe(cutShort);
  });

  it('fails a body stream that failed before the call, without an unhandled error', async () => {
    const upload = new Readable({ read: () => undefined });
    upload.destroy(new Error('the form failed before the request'));

    const error = await failureOf<AxiosError>(http.post('/upload', upload));

    expect(error).toBeInstanceOf(AxiosError);
  });

  it('refuses a header undici cannot send, as a failed call', async () => {
    const error = await failureOf<AxiosError>(
      http.get('/health', { headers: { 'Transfer-Encoding': 'gzip' } }),
    );

    expect(error).toMatchObject({ code: 'UND_ERR_INVALID_ARG' });
    expect(server.received).toEqual([]);
  });
});
