import axios, {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { Readable } from 'node:stream';
import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';

/**
 * The connections every downstream call of one module shares: kept alive and pooled per origin,
 * 256 at most per origin, as the node:http agents had.
 */
export function downstreamDispatcher(): Dispatcher {
  return new Agent({ connections: 256 });
}

/**
 * An axios adapter sending each request through an undici dispatcher, so that the services keep
 * the axios API (`@nestjs/axios`'s HttpService) without node:http's per-request cost.
 *
 * - A stream body is sent as it is read, with the socket's backpressure; a string or buffer whole.
 * - The answer is counted as it arrives: past `maxContentLength`, or announced larger by its
 *   Content-Length, the request is aborted, which destroys the connection, and the call fails with
 *   axios' own "maxContentLength size of … exceeded" error.
 * - A compressed answer (gzip, deflate or br, which it asks for as axios does) is decompressed
 *   whole, off the event loop, and held to the same limit once decompressed: a small body that
 *   would inflate past it fails like a large one.
 * - `signal` and `timeout` cancel the request at any point, queued, sending or reading.
 * - Every failure (connection refused or reset, body stream error, abort) rejects the call once:
 *   undici reports it to the handler, never as an 'error' event nobody listens to.
 */
export function undiciAdapter(dispatcher: Dispatcher): AxiosAdapter {
  return (config) => new Promise((resolve, reject) => send(dispatcher, config, resolve, reject));
}

type Settle = (response: AxiosResponse) => void;
type Fail = (error: unknown) => void;

function send(
  dispatcher: Dispatcher,
  config: InternalAxiosRequestConfig,
  resolve: Settle,
  reject: Fail,
): void {
  const { signal, timeout } = config;
  if (config.responseType && !BUFFERED_RESPONSE_TYPES.has(config.responseType)) {
    reject(new AxiosError(`responseType ${config.responseType} is not supported`, 'ERR_BAD_OPTION', config));
    return;
  }
  let target: Target;
  try {
    target = targetOf(config);
  } catch (error) {
    reject(AxiosError.from(error, AxiosError.ERR_INVALID_URL, config));
    return;
  }
  const limit =
    config.maxContentLength !== undefined && config.maxContentLength > -1
      ? config.maxContentLength
      : Infinity;
  const responseType = config.responseType ?? 'json';
  const body = bodyOf(config.data);

  let controller: Dispatcher.DispatchController | undefined;
  /** Why the call was given up before undici started it: it is aborted as soon as it starts. */
  let abandonedWith: Error | undefined;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  let status = 0;
  let statusText = '';
  let headers: Record<string, string | string[] | undefined> = {};

  const finish = () => {
    settled = true;
    if (timer) clearTimeout(timer);
    signal?.removeEventListener?.('abort', onAbort);
  };
  const fail = (error: unknown) => {
    if (settled) return;
    finish();
    chunks.length = 0;
    reject(error);
  };
  /** Gives the call up: undici aborts the request and destroys its connection if it was sent. */
  const abandon = (error: Error) => {
    // Failed first: undici reports the abort to the handler at once, as a failure of its own.
    fail(error);
    if (controller) controller.abort(error);
    else abandonedWith = error;
  };
  function onAbort() {
    abandon(new CanceledError(undefined, undefined, config));
  }

  if (signal?.aborted) {
    onAbort();
    return;
  }
  signal?.addEventListener?.('abort', onAbort, { once: true });
  if (timeout) {
    timer = setTimeout(
      () =>
        abandon(
          new AxiosError(
            `timeout of ${timeout}ms exceeded`,
            config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
            config,
          ),
        ),
      timeout,
    );
  }

  /** Settles the call with the answer's body, read whole (and decompressed). */
  const answer = (data: Buffer) => {
    if (settled) return;
    finish();
    const response: AxiosResponse = {
      status,
      statusText,
      headers,
      config,
      request: undefined,
      data: responseType === 'arraybuffer' ? data : stripBom(data.toString('utf8')),
    };
    const valid = config.validateStatus;
    if (!valid || valid(status)) resolve(response);
    else {
      reject(
        new AxiosError(
          `Request failed with status code ${status}`,
          status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
          config,
          undefined,
          response,
        ),
      );
    }
  };

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(started) {
      controller = started;
      if (abandonedWith) started.abort(abandonedWith);
    },
    onResponseStart(started, statusCode, answerHeaders, statusMessage) {
      status = statusCode;
      statusText = statusMessage ?? '';
      headers = answerHeaders;
      const announced = Number(answerHeaders['content-length']);
      if (announced > limit) abandon(tooLarge(limit, config));
    },
    onResponseData(_controller, chunk) {
      received += chunk.length;
      if (received > limit) abandon(tooLarge(limit, config));
      else chunks.push(chunk);
    },
    onResponseEnd() {
      if (settled) return;
      const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      chunks.length = 0;
      const decompress = DECOMPRESSORS[String(headers['content-encoding']).trim().toLowerCase()];
      if (!decompress) return answer(whole);
      decompress(whole, { maxOutputLength: Number.isFinite(limit) ? limit : undefined }, (error, plain) => {
        if (!error) {
          // What the caller reads is no longer encoded, nor of the announced length.
          delete headers['content-encoding'];
          delete headers['content-length'];
          answer(plain);
        } else if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          fail(tooLarge(limit, config));
        } else {
          fail(
            new AxiosError(
              `the answer could not be decompressed (${error.message})`,
              AxiosError.ERR_BAD_RESPONSE,
              config,
            ),
          );
        }
      });
    },
    onResponseError(_controller, error) {
      // After an abort, undici reports it here: the call has failed with its own reason already.
      // A connection lost once the answer began is a broken answer (as axios' own adapter says,
      // a bad response), not a service that cannot be reached.
      fail(
        status
          ? new AxiosError(`the answer was cut short (${error.message})`, AxiosError.ERR_BAD_RESPONSE, config)
          : AxiosError.from(error, (error as { code?: string }).code, config),
      );
    },
  };

  if (body instanceof Readable) {
    // A body that fails (the client's upload cut short) fails the request through undici, which
    // also destroys it when the request is aborted; this keeps either from being an unhandled error.
    body.on('error', noop);
  }
  try {
    dispatcher.dispatch(
      {
        origin: target.origin,
        path: target.path,
        method: (config.method ?? 'get').toUpperCase() as Dispatcher.HttpMethod,
        headers: headersOf(config, target),
        body,
      },
      handler,
    );
  } catch (error) {
    // undici refuses what it cannot send (an invalid header) before it starts.
    fail(AxiosError.from(error, (error as { code?: string }).code, config));
  }
}

const noop = () => undefined;

type Decompress = (
  buffer: InputType,
  options: ZlibOptions,
  callback: (error: Error | null, result: Buffer) => void,
) => void;
/** How each encoding asked for is undone; zlib stops at `maxOutputLength` (ERR_BUFFER_TOO_LARGE). */
const DECOMPRESSORS: Record<string, Decompress | undefined> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflate,
  br: brotliDecompress,
};
const ACCEPTED_ENCODINGS = 'gzip, deflate, br';
const BUFFERED_RESPONSE_TYPES = new Set(['json', 'text', 'arraybuffer']);

const tooLarge = (limit: number, config: InternalAxiosRequestConfig) =>
  new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config);

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

function bodyOf(data: unknown): Dispatcher.DispatchOptions['body'] {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string' || Buffer.isBuffer(data) || data instanceof Readable) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof URLSearchParams) return data.toString();
  throw new AxiosError('the request body must be a string, a buffer or a stream', 'ERR_BAD_OPTION');
}

interface Target {
  origin: string;
  /** The path under the origin, the query included. */
  path: string;
  /** Basic credentials written in the URL (`http://user:pass@host`), sent as axios sent them. */
  authorization?: string;
}

/** Each base URL is parsed once: a client's base URL is the same on every call. */
const bases = new Map<string, Target>();
const BASES_KEPT = 1_000;

function parsedTarget(url: string): Target {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`unsupported protocol ${parsed.protocol}`);
  }
  const credentials =
    parsed.username || parsed.password
      ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`
      : undefined;
  return {
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    ...(credentials ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}),
  };
}

function baseOf(url: string): Target {
  let base = bases.get(url);
  if (!base) {
    const parsed = parsedTarget(url);
    base = { ...parsed, path: parsed.path.replace(/\/+$/, '') };
    if (bases.size < BASES_KEPT) bases.set(url, base);
  }
  return base;
}

const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:\/\//i;

/**
 * Where the request goes, as axios' buildFullPath and buildURL put it: `url` under `baseURL`
 * (even a `url` that looks absolute, with `allowAbsoluteUrls: false`), then `params` as its query.
 */
function targetOf(config: InternalAxiosRequestConfig): Target {
  const url = config.url ?? '';
  let target: Target;
  if (!config.baseURL || (ABSOLUTE_URL.test(url) && config.allowAbsoluteUrls !== false)) {
    target = parsedTarget(url);
  } else {
    const base = baseOf(config.baseURL);
    target = { ...base, path: url ? `${base.path}/${url.replace(/^\/+/, '')}` : base.path };
  }
  const hash = target.path.indexOf('#');
  if (hash !== -1) target.path = target.path.slice(0, hash);
  const query = queryOf(config.params);
  if (query) target.path += (target.path.includes('?') ? '&' : '?') + query;
  if (!target.path.startsWith('/')) target.path = `/${target.path}`;
  return target;
}

function queryOf(params: unknown): string {
  if (params === undefined || params === null) return '';
  if (params instanceof URLSearchParams) return params.toString();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
  }
  return query.toString();
}

/**
 * The configured headers, with axios' User-Agent, Accept-Encoding and the URL's credentials as
 * its own adapter sent them.
 */
function headersOf(config: InternalAxiosRequestConfig, target: Target): Record<string, string> {
  const headers: Record<string, string> = {};
  let userAgent = false;
  let authorization = false;
  let acceptEncoding = false;
  for (const [name, value] of Object.entries(config.headers.toJSON(true))) {
    if (value === undefined || value === null) continue;
    const lower = name.toLowerCase();
    // undici sets the length of what it sends itself.
    if (lower === 'content-length') continue;
    userAgent ||= lower === 'user-agent';
    authorization ||= lower === 'authorization';
    acceptEncoding ||= lower === 'accept-encoding';
    headers[name] = String(value);
  }
  if (!userAgent) headers['User-Agent'] = `axios/${axios.VERSION}`;
  if (!acceptEncoding) headers['Accept-Encoding'] = ACCEPTED_ENCODINGS;
  if (!authorization && target.authorization) headers['Authorization'] = target.authorization;
  return headers;
}
