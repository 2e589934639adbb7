import { INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { ErrorEnvelopeDto } from './error-envelope';
import { ErrorEnvelopeFilter } from './error-envelope.filter';
import { createValidationPipe } from './validation';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ServiceDescription {
  title: string;
  description: string;
  version?: string;
  /** Largest JSON body accepted, as body-parser reads it ("1mb"). */
  jsonLimit?: string;
  /**
   * The requests whose routes read their body themselves, as bytes: the JSON and form parsers
   * leave them unread (a protocol that frames its own body, whatever its Content-Type says).
   */
  readsOwnBody?: (req: IncomingMessage) => boolean;
  /**
   * Adds to the OpenAPI document each time it is served, for routes that change while the
   * service runs (the engine's YAML endpoints, after a reload).
   */
  documentExtension?: (app: INestApplication) => { extend(document: OpenAPIObject): OpenAPIObject };
}

/**
 * What every service of the system shares, whether started by `bootstrapService` or by a test:
 * pino as Nest's logger, the validation pipe, the error envelope, and OpenAPI at `/docs`
 * (UI) and `/docs-json`.
 */
export function configureService(app: NestExpressApplication, description: ServiceDescription): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  const { readsOwnBody } = description;
  const parses = (mediaType: string) =>
    readsOwnBody
      ? { type: (req: IncomingMessage) => !readsOwnBody(req) && hasMediaType(req, mediaType) }
      : {};
  app.useBodyParser('json', { limit: description.jsonLimit ?? '1mb', ...parses('application/json') });
  // Registered here only to leave those requests alone; otherwise Nest adds the same parser.
  if (readsOwnBody) {
    app.useBodyParser('urlencoded', { extended: true, ...parses('application/x-www-form-urlencoded') });
  }
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorEnvelopeFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(description.title)
      .setDescription(description.description)
      .setVersion(description.version ?? '0.1.0')
      .build(),
    { extraModels: [ErrorEnvelopeDto] },
  );
  const extension = description.documentExtension?.(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    ...(extension ? { patchDocumentOnRequest: (_req, _res, served) => extension.extend(served) } : {}),
  });
}

/**
 * Starts a service on `HOST` and the port in `portVariable`, and stops it gracefully on
 * SIGTERM/SIGINT: the server stops accepting connections and lets in-flight requests finish,
 * up to `SHUTDOWN_TIMEOUT_MS`. A service that cannot start (invalid configuration, a missing
 * engine, a port in use) says why in one line and exits with status 1.
 */
export async function bootstrapService(
  module: Type<unknown>,
  portVariable: string,
  description: ServiceDescription,
): Promise<INestApplication | undefined> {
  try {
    // Nest's own console logger stays off: pino takes over in configureService, and a failure to
    // start is reported below as one JSON line rather than a console stack trace.
    const app = await NestFactory.create<NestExpressApplication>(module, {
      logger: false,
      abortOnError: false,
    });
    configureService(app, description);
    const config = app.get(ConfigService);
    const host = config.getOrThrow<string>('HOST');
    const port = config.getOrThrow<number>(portVariable);
    exitAfterShutdownTimeout(config.getOrThrow<number>('SHUTDOWN_TIMEOUT_MS'));
    // Exit 0 once closed cleanly; by default Nest re-raises the signal, and the process dies of it.
    app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
    await app.listen(port, host);
    new NestLogger('Bootstrap').log(
      `${description.title} listening on http://${host}:${port} (docs at /docs)`,
    );
    return app;
  } catch (error) {
    process.stderr.write(
      `${JSON.stringify({ level: 60, time: new Date().toISOString(), service: description.title, msg: `${description.title} could not start: ${(error as Error).message}` })}\n`,
    );
    process.exitCode = 1;
    return undefined;
  }
}

/** Whether the request's Content-Type is `mediaType`, parameters aside (body-parser's default test). */
function hasMediaType(req: IncomingMessage, mediaType: string): boolean {
  const [type = ''] = (req.headers['content-type'] ?? '').split(';', 1);
  return type.trim().toLowerCase() === mediaType;
}

function exitAfterShutdownTimeout(shutdownTimeoutMs: number): void {
  for (const signal of SHUTDOWN_SIGNALS) {
    process.once(signal, () =>
      setTimeout(() => {
        new NestLogger('Shutdown').error(
          `in-flight requests still running after ${shutdownTimeoutMs} ms; exiting`,
        );
        process.exit(1);
      }, shutdownTimeoutMs).unref(),
    );
  }
}
