// Support for this library's specs: an OpenAI-compatible transcription service played by a local
// HTTP server, and the audio module wired to it.
import { Test, type TestingModule } from '@nestjs/testing';
import { configurationModule } from '@libs/core/config';
import { LocalHttpServer } from '@libs/core/testing';
import busboy from 'busboy';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { audioEnvironment } from './audio.config';
import { AudioModule } from './audio.module';

export interface Answer {
  status: number;
  /** Sent as JSON unless `rawBody` is given; `{}` when neither is. */
  body?: unknown;
  rawBody?: string;
  delayMs?: number;
}

export interface ReceivedUpload {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  /** Form fields in the order they came, the file included as `file`. */
  order: string[];
  fields: Record<string, string>;
  file?: { filename: string; mimeType: string; bytes: Buffer };
}

/**
 * An OpenAI-compatible transcription service played by a local HTTP server: it parses each
 * multipart request as it streams in and answers as each test scripts. Requests other than
 * POSTs (health probes) are only noted in `paths`, and answered 200 `{}`.
 */
export class TranscriptionServiceStandIn extends LocalHttpServer {
  readonly uploads: ReceivedUpload[] = [];
  /** `METHOD url` of every request, uploads included. */
  readonly paths: string[] = [];
  /** Bytes of the current file received so far, to watch an upload while it streams. */
  fileBytesSoFar = 0;
  /** The answer to the upload with this number, counting from 1. */
  script: (hit: number) => Answer = () => ({ status: 200, body: { text: 'hello' } });

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    this.paths.push(`${req.method} ${req.url}`);
    if (req.method !== 'POST') return void res.writeHead(200).end('{}');
    const upload: ReceivedUpload = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      order: [],
      fields: {},
    };
    this.fileBytesSoFar = 0;
    const form = busboy({ headers: req.headers });
    form.on('field', (name, value) => {
      upload.order.push(name);
      upload.fields[name] = value;
    });
    form.on('file', (name, stream, info) => {
      upload.order.push(name);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        this.fileBytesSoFar += chunk.length;
      });
      stream.on('end', () => {
        upload.file = { filename: info.filename, mimeType: info.mimeType, bytes: Buffer.concat(chunks) };
      });
    });
    form.on('close', () => {
      this.uploads.push(upload);
      const answer = this.script(this.uploads.length);
      const timer = setTimeout(
        () =>
          res
            .writeHead(answer.status, { 'content-type': 'application/json' })
            .end(answer.rawBody ?? JSON.stringify(answer.body ?? {})),
        answer.delayMs ?? 0,
      );
      res.on('close', () => clearTimeout(timer));
    });
    req.pipe(form);
  }
}

/** The audio module against the transcription service at `url`, with the given `TRANSCRIPTION_*` settings on top. */
export async function audioModuleFor(
  url: string,
  environment: Record<string, string> = {},
): Promise<TestingModule> {
  Object.assign(process.env, { TRANSCRIPTION_SERVICE_URL: url, ...environment });
  const moduleRef = await Test.createTestingModule({
    imports: [configurationModule(audioEnvironment), AudioModule],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef;
}
