import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LocalHttpServer } from './local-http-server';

export interface ReceivedRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  /** The body so far: whole once `complete`. */
  body: Buffer;
  complete: boolean;
  /** The connection closed before the body was complete. */
  cut: boolean;
}

/** The health routes of the orchestrator's downstreams (the model service speaks the Open Inference Protocol). */
const HEALTH_PATHS = new Set(['/health', '/v2/health/ready']);

/** A downstream service: answers as each test scripts, and records what reached it. */
export class StandInService extends LocalHttpServer {
  /** Requests as they arrive, health probes excluded. */
  readonly requests: ReceivedRequest[] = [];
  healthy = true;
  answer: (request: ReceivedRequest) => { status: number; body: unknown } = () => ({ status: 200, body: {} });

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  reset(): void {
    this.requests.length = 0;
    this.healthy = true;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && HEALTH_PATHS.has(req.url ?? '')) {
      return void res.writeHead(this.healthy ? 200 : 503).end(JSON.stringify({ status: 'ok' }));
    }
    const received: ReceivedRequest = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.alloc(0),
      complete: false,
      cut: false,
    };
    this.requests.push(received);
    req.on('data', (chunk: Buffer) => (received.body = Buffer.concat([received.body, chunk])));
    req.on('close', () => (received.cut = !req.complete));
    req.on('end', () => {
      received.complete = true;
      const { status, body } = this.answer(received);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  }
}
