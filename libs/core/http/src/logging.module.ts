import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { TraceExport, traceFields, tracingStarted } from '@libs/core/tracing';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';
import { routeTemplateOf } from './route-template';
import { maskQuery, sensitiveQueryParameters } from './sensitive-query';

type RoutedRequest = IncomingMessage & { id?: unknown; originalUrl?: string };
type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The access-log middleware of a service: the first that every request meets (`configureService`). */
export const ACCESS_LOG = Symbol('ACCESS_LOG');

/**
 * Structured JSON logs (pino) for a service: one line per request with method, route, status
 * and latency, and the request id on every line logged while the request runs, with the trace
 * and span ids when the service is traced. The request id is resolved here, once, and echoed in
 * the response. Logs go to stdout unless a `destination` is given (tests read them from one).
 *
 * The access log is a plain middleware (`ACCESS_LOG`) that `configureService` mounts before
 * anything else, so that a request refused by a body parser or a target check still has its
 * id and its line; nestjs-pino then binds that request's logger for the code it runs.
 */
export function loggingModule(service: string, destination?: DestinationStream): DynamicModule {
  const accessLogModule: DynamicModule = {
    module: AccessLogModule,
    providers: [
      {
        provide: ACCESS_LOG,
        inject: [ConfigService],
        useFactory: (config: ConfigService) => accessLog(service, config, destination),
      },
    ],
    exports: [ACCESS_LOG],
  };
  return {
    module: LoggingModule,
    global: true,
    // The telemetry of a service: its spans still buffered are exported as it stops.
    providers: [TraceExport],
    imports: [
      accessLogModule,
      LoggerModule.forRootAsync({
        imports: [accessLogModule],
        inject: [ACCESS_LOG],
        // nestjs-pino logs through the access log's pino logger, and binds each request's child.
        useFactory: (middleware: AccessLogMiddleware) => ({
          pinoHttp: { logger: middleware.logger },
          useExisting: true,
        }),
      }),
    ],
    exports: [accessLogModule],
  };
}

@Module({})
class AccessLogModule {}

@Module({})
class LoggingModule {}

/** pino-http, which also carries the pino logger it writes with. */
export type AccessLogMiddleware = Middleware & { logger: Logger };

function accessLog(
  service: string,
  config: ConfigService,
  destination?: DestinationStream,
): AccessLogMiddleware {
  const masked = sensitiveQueryParameters(config.get<string>('LOG_REDACTED_QUERY_PARAMETERS', ''));
  const logger = pino(
    {
      level: config.get<string>('LOG_LEVEL', 'info'),
      base: { service },
      timestamp: stdTimeFunctions.isoTime,
      // Only a traced service pays for looking the active span up, on every line.
      ...(tracingStarted() ? { mixin: traceFields } : {}),
    },
    destination ?? process.stdout,
  );
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = resolveRequestId(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // The route is known only once Express has matched it, i.e. on the response line.
    customProps: (req: IncomingMessage, res: ServerResponse) => {
      const route = res.writableEnded ? routeTemplateOf(req) : undefined;
      return route ? { route } : {};
    },
    serializers: {
      req: (req: RoutedRequest) => ({
        id: req.id,
        method: req.method,
        url: maskQuery(req.originalUrl ?? req.url ?? '', masked),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // A 5xx answer is one line like any other: its cause was logged where it happened (the
    // downstream's attempt, the error filter), not again as pino-http's stand-in error.
    customErrorObject: (_req, _res, error, line: Record<string, unknown>) =>
      error.message.startsWith('failed with status code') ? { ...line, err: undefined } : line,
  }) as AccessLogMiddleware;
}
