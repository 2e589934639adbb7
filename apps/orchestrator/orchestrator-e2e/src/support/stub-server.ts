import { once } from 'node:events';
import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request as it arrives: counted before its body is complete, so that a cut upload is seen too. */
export interface ArrivingRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Body bytes received so far. */
  receivedBytes: number;
  /** The whole body arrived. */
  complete: boolean;
  /** The connection closed before the body was complete (the sender aborted). */
  cut: boolean;
}

/** Answers one request; `index` counts the requests this server received, from 0. */
export type StubHandler = (request: RecordedRequest, response: ServerResponse, index: number) => unknown;

/** A local HTTP server standing in for a downstream service, recording what it was sent. */
export interface StubServer {
  url: string;
  port: number;
  /** Requests whose body arrived whole, in order. */
  requests: RecordedRequest[];
  /** Every request that began, complete or not, in order. */
  arrivals: ArrivingRequest[];
  /** Stops listening and drops every connection: calls to `url` are refused until `acceptConnections`. */
  refuseConnections(): Promise<void>;
  /** Listens again on the same port. */
  acceptConnections(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a stand-in on a free loopback port. `handler` is called once a request's body has
 * arrived whole; a request cut before that is only in `arrivals`.
 */
export async function startStubServer(handler: StubHandler): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const arrivals: ArrivingRequest[] = [];
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const arrival: ArrivingRequest = {
      method: incoming.method ?? '',
      url: incoming.url ?? '',
      headers: incoming.headers,
      receivedBytes: 0,
      complete: false,
      cut: false,
    };
    arrivals.push(arrival);
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => {
      arrival.receivedBytes += chunk.length;
      chunks.push(chunk);
    });
    incoming.on('close', () => (arrival.cut = !arrival.complete));
    incoming.on('end', () => {
      arrival.complete = true;
      const request: RecordedRequest = {
        method: arrival.method,
        url: arrival.url,
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
  let port = 0;
  const listen = async () => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  };
  const stopListening = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    arrivals,
    refuseConnections: () => (server.listening ? stopListening() : Promise.resolve()),
    acceptConnections: () => (server.listening ? Promise.resolve() : listen()),
    close: () => (server.listening ? stopListening() : Promise.resolve()),
  };
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
