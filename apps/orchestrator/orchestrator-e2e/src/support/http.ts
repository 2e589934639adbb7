import type { ErrorEnvelopeDto } from '@libs/core/http';
import { request as httpRequest } from 'node:http';

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs `body` as JSON (a string is sent as is) and reads the JSON answer. */
export async function postJson<T = unknown>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export async function getJson<T = unknown>(
  url: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/**
 * Starts a multipart upload of a `file` field and sends `sentBytes` of it, but never ends the
 * request: it resolves with the server's answer, sent before the body is complete. `declaredBytes`
 * sets Content-Length (else the body is chunked). The server then closes the connection; since
 * all that was sent has been read, that closing cannot reset the connection before the answer
 * is read, as it could while a client still writes (fetch then fails with EPIPE).
 */
export function uploadWithoutEnding(
  url: string,
  { sentBytes, declaredBytes }: { sentBytes: number; declaredBytes?: number },
): Promise<JsonResponse<ErrorEnvelopeDto>> {
  const boundary = 'e2e-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n` +
      'Content-Type: audio/wav\r\n\r\n',
  );
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(declaredBytes === undefined ? {} : { 'content-length': String(declaredBytes) }),
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers: new Headers(response.headers as Record<string, string>),
          body: JSON.parse(Buffer.concat(chunks).toString()) as ErrorEnvelopeDto,
        });
      });
    });
    if (sentBytes > 0) request.write(Buffer.concat([head, Buffer.alloc(sentBytes)]));
    else request.flushHeaders();
  });
}
