import { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream, stdTimeFunctions } from 'pino';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';

type RoutedRequest = IncomingMessage & { id?: unknown; route?: { path?: string }; originalUrl?: string };

/**
 * Structured JSON logs (pino) for a service: one line per request with method, route, status
 * and latency, and the request id on every line logged while the request runs. The request id
 * is resolved here, once, and echoed in the response. Logs go to stdout unless a
 * `destination` is given (tests read them from one).
 */
export function loggingModule(service: string, destination?: DestinationStream): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      pinoHttp: [
        {
          level: config.get<string>('LOG_LEVEL', 'info'),
          base: { service },
          timestamp: stdTimeFunctions.isoTime,
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const id = resolveRequestId(req);
            res.setHeader(REQUEST_ID_HEADER, id);
            return id;
          },
          // The route is known only once Express has matched it, i.e. on the response line.
          customProps: (req: RoutedRequest, res: ServerResponse) =>
            res.writableEnded && req.route?.path ? { route: req.route.path } : {},
          serializers: {
            req: (req: RoutedRequest) => ({
              id: req.id,
              method: req.method,
              url: req.originalUrl ?? req.url,
            }),
            res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
          },
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
            error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
        },
        destination ?? process.stdout,
      ],
    }),
  });
}
