import { connect } from 'node:net';

/** What came back for a request sent byte for byte over its own connection. */
export interface RawAnswer {
  /** The final status; 0 when no complete answer came. */
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  /** The 1xx statuses (100 Continue) received before the answer. */
  interim: number[];
  elapsedMs: number;
  /** Body bytes written before the answer began (or the connection ended). */
  sentBytes: number;
  /** Why no complete answer came: `closed` (by the server, without one), `timeout`, or a socket error code. */
  dropped?: string;
}

export interface RawRequest {
  /** Request line and header lines, ending with the blank line. */
  head: string | Buffer;
  /** The body, as one buffer or as pieces made as they are sent (a body too large to hold). */
  body?: Buffer | Iterable<Buffer>;
  timeoutMs?: number;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The head of a request with `Host` and `Connection: close` added, so that each raw request has
 * a connection of its own. `headers` are written as given: names, values and order.
 */
export function requestHead(method: string, target: string, headers: [string, string][] = []): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Sends a request over a new connection to 127.0.0.1:`port`, the body 64 KiB at a time and no
 * more once an answer has begun (as a client would stop sending a refused upload), and reads the
 * answer: interim 1xx answers, then one with Content-Length, chunked or ended by the close.
 * Never rejects: a connection closed or reset without an answer is reported in `dropped`.
 */
export function rawRequest(port: number, { head, body, timeoutMs = 10_000 }: RawRequest): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const interim: number[] = [];
    let answerBegan = false;
    let settled = false;
    let errorCode: string | undefined;
    let sentBytes = 0;
    const finish = (answer: Omit<RawAnswer, 'interim' | 'elapsedMs' | 'sentBytes'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...answer, interim, sentBytes, elapsedMs: performance.now() - started });
    };
    const noAnswer = (dropped: string) =>
      finish({
        status: 0,
        headers: {},
        body: received,
        text: received.toString('latin1'),
        dropped: errorCode ?? dropped,
      });
    const timer = setTimeout(() => noAnswer('timeout'), timeoutMs);

    const tryParse = (ended: boolean) => {
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return ended && noAnswer('closed');
        const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
        if (status >= 100 && status < 200) {
          interim.push(status);
          received = received.subarray(end + 4);
          continue;
        }
        answerBegan = true;
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const rest = received.subarray(end + 4);
        const bodyOf = decodeBody(headers, rest, ended);
        if (bodyOf === undefined) return ended && noAnswer('closed');
        return finish({ status, headers, body: bodyOf, text: bodyOf.toString('utf8') });
      }
    };

    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('close', () => tryParse(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      errorCode = error.code ?? error.message;
      tryParse(true);
      noAnswer(errorCode);
    });
    socket.on('connect', async () => {
      socket.write(head);
      for (const piece of piecesOf(body)) {
        if (answerBegan || socket.destroyed) break;
        sentBytes += piece.length;
        if (!socket.write(piece)) {
          await new Promise((next) => {
            socket.once('drain', next);
            socket.once('close', next);
          });
        }
      }
    });
  });
}

function* piecesOf(body: RawRequest['body']): Iterable<Buffer> {
  if (!body) return;
  if (!Buffer.isBuffer(body)) return yield* body;
  for (let offset = 0; offset < body.length; offset += CHUNK_BYTES)
    yield body.subarray(offset, offset + CHUNK_BYTES);
}

/** `pieces` framed as a chunked body (Transfer-Encoding: chunked), with its last chunk. */
export function* chunked(pieces: Iterable<Buffer>): Iterable<Buffer> {
  for (const piece of pieces) {
    if (piece.length)
      yield Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  }
  yield Buffer.from('0\r\n\r\n');
}

/** The whole body once it has arrived, else undefined. */
function decodeBody(headers: Record<string, string>, rest: Buffer, ended: boolean): Buffer | undefined {
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', offset);
      if (lineEnd < 0) return undefined;
      const size = parseInt(rest.subarray(offset, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return undefined;
      if (size === 0) return Buffer.concat(parts);
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
  }
  const length = headers['content-length'];
  if (length !== undefined)
    return rest.length >= Number(length) ? rest.subarray(0, Number(length)) : undefined;
  return ended ? rest : undefined;
}

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/**
 * A multipart/form-data body. `closed: false` leaves out the closing boundary (a truncated form);
 * `partHeadOnly` cuts the last part inside its header lines.
 */
export function multipartBody(
  boundary: string,
  parts: FormPart[],
  { closed = true, partHeadOnly = false }: { closed?: boolean; partHeadOnly?: boolean } = {},
): Buffer {
  const chunks: Buffer[] = [];
  parts.forEach((part, index) => {
    const disposition =
      `Content-Disposition: form-data; name="${part.name}"` +
      (part.filename === undefined ? '' : `; filename="${part.filename}"`);
    const head =
      `--${boundary}\r\n${disposition}\r\n` +
      (part.contentType ? `Content-Type: ${part.contentType}\r\n` : '');
    if (partHeadOnly && index === parts.length - 1) {
      chunks.push(Buffer.from(head.slice(0, Math.floor(head.length * 0.7))));
      return;
    }
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  });
  if (closed && !partHeadOnly) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** A short, valid WAV file (RIFF/WAVE, PCM 16-bit mono 8 kHz) of silence: audio by its magic bytes. */
export function tinyWav(milliseconds = 100): Buffer {
  const samples = Math.round((8000 * milliseconds) / 1000);
  const data = samples * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}

/** A multipart upload of `file` (a WAV named a.wav unless given), with fields before it. */
export function audioForm(
  boundary: string,
  {
    file = tinyWav(),
    filename = 'a.wav',
    contentType = 'audio/wav',
    fields = {} as Record<string, string>,
  } = {},
): Buffer {
  return multipartBody(boundary, [
    ...Object.entries(fields).map(([name, data]) => ({ name, data })),
    { name: 'file', filename, contentType, data: file },
  ]);
}
