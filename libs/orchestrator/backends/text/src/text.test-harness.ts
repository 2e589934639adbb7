// Support for this library's specs: the text-service played by a local HTTP server, and the
// text module wired to it.
import { Test, type TestingModule } from '@nestjs/testing';
import { configurationModule } from '@libs/core/config';
import { LocalHttpServer } from '@libs/core/testing';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { textEnvironment } from './text.config';
import { TextModule } from './text.module';

export interface Answer {
  status: number;
  /** Sent as JSON unless `rawBody` is given; `{}` when neither is. */
  body?: unknown;
  rawBody?: string;
  delayMs?: number;
}

export interface ReceivedRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  /** The body as it came, `''` for none. */
  body: string;
}

/** The text-service played by a local HTTP server: records each request and answers as each test scripts. */
export class TextServiceStandIn extends LocalHttpServer {
  readonly requests: ReceivedRequest[] = [];
  /** The answer to the request with this number, counting from 1. */
  script: (hit: number) => Answer = () => ({ status: 200, body: {} });

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      this.requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      const answer = this.script(this.requests.length);
      const timer = setTimeout(
        () =>
          res
            .writeHead(answer.status, { 'content-type': 'application/json' })
            .end(answer.rawBody ?? JSON.stringify(answer.body ?? {})),
        answer.delayMs ?? 0,
      );
      res.on('close', () => clearTimeout(timer));
    });
  }
}

/** The text module against the text-service at `url`, with the given `TEXT_SERVICE_*` settings on top. */
export async function textModuleFor(
  url: string,
  environment: Record<string, string> = {},
): Promise<TestingModule> {
  Object.assign(process.env, {
    TEXT_SERVICE_URL: url,
    TEXT_SERVICE_BREAKER_THRESHOLD: '100',
    ...environment,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [configurationModule(textEnvironment), TextModule],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef;
}
