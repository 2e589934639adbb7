import { INestApplication, Logger as NestLogger, Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REQUEST_BODY_MAX_BYTES } from '@libs/core/config';
import { ErrorEnvelopeDto } from './error-envelope';
import { ErrorEnvelopeFilter } from './error-envelope.filter';
import { mountRequestEntry } from './request-entry';
import { noteShutdownSignal } from './shutdown-signal';
import { createValidationPipe } from './validation';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ServiceDescription {
  title: string;
  description: string;
  version?: string;
  /**
   * The variable holding the largest multipart/form-data body the service takes (its uploads);
   * without one, an upload may weigh what any body may (REQUEST_BODY_MAX_BYTES).
   */
  uploadLimitVariable?: string;
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
  /**
   * What observes every request (the service's metrics): mounted before anything else, the access
   * log included, so that it sees every request, those refused before any route too.
   */
  observeRequests?: (
    app: INestApplication,
  ) => (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
}

/**
 * What every service of the system shares, whether started by `bootstrapService` or by a test:
 * pino as Nest's logger, the validation pipe, the error envelope, and OpenAPI at `/docs`
 * (UI) and `/docs-json`; and what observes its requests, when it says.
 */
export function configureService(app: NestExpressApplication, description: ServiceDescription): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  const config = app.get(ConfigService);
  const bodyMaxBytes = config.getOrThrow<number>(REQUEST_BODY_MAX_BYTES);
  if (description.observeRequests) app.use(description.observeRequests(app));
  mountRequestEntry(
    app,
    {
      bodyMaxBytes,
      jsonMaxDepth: config.getOrThrow<number>('REQUEST_JSON_MAX_DEPTH'),
      uploadMaxBytes: description.uploadLimitVariable
        ? config.getOrThrow<number>(description.uploadLimitVariable)
        : bodyMaxBytes,
    },
    description.readsOwnBody,
  );
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
    // The drain (readiness 503, listener open) comes first, then in-flight requests may finish.
    exitAfterShutdownTimeout(
      config.getOrThrow<number>('SHUTDOWN_DRAIN_MS') + config.getOrThrow<number>('SHUTDOWN_TIMEOUT_MS'),
    );
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

function exitAfterShutdownTimeout(shutdownTimeoutMs: number): void {
  for (const signal of SHUTDOWN_SIGNALS) {
    // Registered before Nest's own shutdown hooks, so that readiness knows before they run.
    process.once(signal, () => {
      noteShutdownSignal();
      setTimeout(() => {
        new NestLogger('Shutdown').error(
          `in-flight requests still running after ${shutdownTimeoutMs} ms; exiting`,
        );
        process.exit(1);
      }, shutdownTimeoutMs).unref();
    });
  }
}
