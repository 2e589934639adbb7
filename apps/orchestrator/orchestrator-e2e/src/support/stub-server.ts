import { LocalHttpServer } from '@libs/core/testing';
import { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Answers one request; `index` counts the requests this server received, from 0. */
export type StubHandler = (request: RecordedRequest, response: ServerResponse, index: number) => unknown;

/** A local HTTP server standing in for a downstream service, recording what it was sent. */
export interface StubServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startStubServer(handler: StubHandler): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const server = new LocalHttpServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: RecordedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      Promise.resolve(handler(request, response, requests.length - 1)).catch((error: Error) => {
        if (!response.headersSent) response.writeHead(500);
        response.end(error.message);
      });
    });
  });
  await server.start();
  return { url: server.url, requests, close: () => server.stop() };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Passes a recorded request on to `target` and its answer back, as a reverse proxy would. */
export async function forward(request: RecordedRequest, response: ServerResponse, target: string) {
  const headers = Object.fromEntries(
    Object.entries(request.headers)
      .filter(([name]) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
  const answer = await fetch(`${target}${request.url}`, {
    method: request.method,
    headers,
    body: ['GET', 'HEAD'].includes(request.method) ? undefined : request.body,
  });
  response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
  response.end(Buffer.from(await answer.arrayBuffer()));
}
