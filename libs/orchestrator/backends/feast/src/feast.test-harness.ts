// Support for this library's specs: a Feast feature server played by a local HTTP server
// answering recorded Feast bodies, the project's own feature server on a seeded SQLite file, and
// the feast module wired to either.
import { Test, type TestingModule } from '@nestjs/testing';
import { configurationModule } from '@libs/core/config';
import { DEMO_MIGRATIONS, migrateAndSeed } from '@libs/demo/data';
import { FeatureServingModule, featureServerEnvironment } from '@libs/reference/feature-serving';
import { LocalHttpServer, startFeatureModule } from '@libs/core/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { feastEnvironment } from './feast.config';
import { FeastModule } from './feast.module';

/** The instant the demo feature server counts `days_since_last_purchase` to. */
export const DEMO_AS_OF = '2024-08-01T00:00:00Z';

export interface RecordedAnswer {
  status: number;
  /** Sent as JSON unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
}

export interface ReceivedRequest {
  method?: string;
  url?: string;
  requestId?: string;
  /** The JSON body, `undefined` for none. */
  body: unknown;
}

/** A Feast feature server played by a local HTTP server: records each request and answers as each test scripts. */
export class FeastServerStandIn extends LocalHttpServer {
  readonly requests: ReceivedRequest[] = [];
  /** The answer to the request with this number, counting from 1. */
  script: (hit: number) => RecordedAnswer = () => ({ status: 200, body: {} });

  constructor() {
    super((req, res) => this.answer(req, res));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const requestId = req.headers['x-request-id'];
      this.requests.push({
        method: req.method,
        url: req.url,
        requestId: typeof requestId === 'string' ? requestId : undefined,
        body: text ? JSON.parse(text) : undefined,
      });
      const { status, body, rawBody } = this.script(this.requests.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(rawBody ?? JSON.stringify(body));
    });
  }
}

/** The feast module against the feature server at `url`, with the given `FEATURE_SERVER_*` settings on top. */
export async function feastModuleFor(
  url: string,
  environment: Record<string, string> = {},
): Promise<TestingModule> {
  Object.assign(process.env, {
    FEATURE_SERVER_URL: url,
    FEATURE_SERVER_TIMEOUT_MS: '5000',
    FEATURE_SERVER_RETRY_BASE_DELAY_MS: '1',
    FEATURE_SERVER_BREAKER_THRESHOLD: '100',
    ...environment,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [configurationModule(feastEnvironment), FeastModule],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef;
}

export interface DemoFeatureServer {
  url: string;
  stop(): Promise<void>;
}

/** The project's feature server over HTTP, on a SQLite file of its own seeded with the demo data. */
export async function startDemoFeatureServer(): Promise<DemoFeatureServer> {
  const directory = mkdtempSync(join(tmpdir(), 'feast-backend-'));
  const database = join(directory, 'main.sqlite');
  const seeding = await new DataSource({
    type: 'better-sqlite3',
    database,
    migrations: DEMO_MIGRATIONS,
  }).initialize();
  await migrateAndSeed(seeding);
  await seeding.destroy();
  const { app, url } = await startFeatureModule(
    'feature-server',
    async () => ({ module: FeatureServingModule, environment: featureServerEnvironment }),
    { FEATURE_SERVER_DATABASE_URL: `sqlite:${database}`, FEATURE_SERVER_AS_OF: DEMO_AS_OF },
  );
  return {
    url,
    stop: async () => {
      await app.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
