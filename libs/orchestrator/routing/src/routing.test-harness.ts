// Support for this library's specs: the orchestrator's routes over real HTTP, with the
// downstream services played by local HTTP servers (StandInService).
import { audioEnvironment } from '@libs/orchestrator/backends/audio';
import { textEnvironment } from '@libs/orchestrator/backends/text';
import { configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { startService, type RunningService } from '@libs/core/testing';
import { once } from 'node:events';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { routingEnvironment } from './routing.config';
import { RoutingModule } from './routing.module';

/** The module that holds the routes under test, as the orchestrator's app module does. */
class RoutingUnderTest {}

/** The routing module served on a free port, configured by `env` as the orchestrator would be. */
export function startRouting(env: Record<string, string>): Promise<RunningService> {
  return startService(
    async () => ({
      module: RoutingUnderTest,
      imports: [
        configurationModule({
          ...textEnvironment,
          ...audioEnvironment,
          ...routingEnvironment,
        }),
        loggingModule('orchestrator'),
        RoutingModule,
      ],
    }),
    env,
  );
}

export interface FormPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export function multipart(parts: FormPart[]): { contentType: string; body: Buffer } {
  const boundary = 'orchestrator-test-boundary';
  const body = Buffer.concat([
    ...parts.flatMap(({ name, value, filename, contentType }) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"` +
          (filename ? `; filename="${filename}"` : '') +
          (contentType ? `\r\nContent-Type: ${contentType}` : '') +
          '\r\n\r\n',
      ),
      Buffer.from(value),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- what the specs read varies by route
  body: any;
}

/**
 * POSTs `body` in 16 KiB writes, chunked or with its Content-Length. The orchestrator may answer
 * before reading the whole body and close the connection: the answer counts, the failed writes
 * after it do not.
 */
export function post(
  url: string,
  body: Buffer,
  headers: OutgoingHttpHeaders,
  { chunked = false } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, {
      method: 'POST',
      headers: chunked ? headers : { ...headers, 'content-length': body.length },
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
        });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      for (let offset = 0; offset < body.length && !answered; offset += 16_384) {
        if (!req.write(body.subarray(offset, offset + 16_384))) await once(req, 'drain');
      }
      req.end();
    })().catch(() => undefined);
  });
}

/** Waits for something that happens on its own shortly, such as a downstream noticing an abort. */
export async function until(condition: () => boolean | undefined, timeoutMs = 2_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
