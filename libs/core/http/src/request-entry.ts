import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { TRACE_RESPONSE_HEADER, nameRequestRoute, tracingStarted } from '@libs/core/tracing';
import { ACCESS_LOG, type AccessLogMiddleware } from './logging.module';
import { nestsDeeperThan } from './json-depth';
import { REQUEST_ID_HEADER } from './request-id';
import { routeTemplateOf } from './route-template';
import { hasMediaType } from './media-type';
import { multipartBodyLimit, uploadTooLarge } from './multipart-form';

/** What a service reads of a request's body, from its environment (`commonEnvironment`). */
export interface BodyLimits {
  /** JSON and form bodies. */
  bodyMaxBytes: number;
  jsonMaxDepth: number;
  /** multipart/form-data bodies: a service's uploads (the body limit when it takes none). */
  uploadMaxBytes: number;
}

/** Content encodings a body may arrive in: the ones body parsers decode, and none. */
const DECODED_ENCODINGS = new Set(['identity', 'gzip', 'deflate']);

type Next = (error?: unknown) => void;

/**
 * The first steps of every request, before any route: its id and access-log line, the
 * security headers and CORS, then the checks that refuse what cannot be read — a target that
 * is no URL, an encoding nobody decodes, a body announced larger than it may be (before a
 * `100 Continue` invites it) — and the JSON and form parsers, bounded in size and depth.
 * Whatever they refuse reaches the error envelope with the request's id.
 */
export function mountRequestEntry(
  app: NestExpressApplication,
  limits: BodyLimits,
  readsOwnBody?: (req: IncomingMessage) => boolean,
): void {
  const config = app.get(ConfigService);
  const accessLog = app.get<AccessLogMiddleware>(ACCESS_LOG);
  app.use(accessLog);
  if (tracingStarted()) app.use(nameSpanByRoute);
  app.use(helmet({ contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY } }));
  app.enableCors(corsOptions(config.get<string>('CORS_ORIGINS', '')));
  app.use(answerPreflight);
  // A route that reads its own body bounds it itself.
  const bounded = (req: IncomingMessage) => !readsOwnBody?.(req);
  app.use(refuseUnreadableRequests(limits, bounded));
  const server = app.getHttpServer() as Server;
  answerExpectContinue(server, limits, bounded);
  answerUnparseableRequests(server, accessLog.logger);
  const parses = (mediaType: string) => ({
    type: (req: IncomingMessage) => !readsOwnBody?.(req) && hasMediaType(req, mediaType),
  });
  app.useBodyParser('json', {
    limit: limits.bodyMaxBytes,
    ...parses('application/json'),
    verify: (_req: IncomingMessage, _res: ServerResponse, bytes: Buffer) => {
      if (nestsDeeperThan(bytes, limits.jsonMaxDepth)) {
        throw Object.assign(new Error(`The JSON body nests deeper than ${limits.jsonMaxDepth} levels`), {
          status: 400,
          type: 'entity.too.deep',
        });
      }
    },
  });
  app.useBodyParser('urlencoded', {
    limit: limits.bodyMaxBytes,
    extended: true,
    ...parses('application/x-www-form-urlencoded'),
  });
}

/**
 * A traced request's server span is named after the route template that served it, as its log
 * line and its metrics are (`routeTemplateOf`), once it is answered; one that no route served
 * keeps its method alone.
 */
function nameSpanByRoute(req: IncomingMessage, res: ServerResponse, next: Next): void {
  res.once('finish', () => {
    const route = routeTemplateOf(req);
    if (route) nameRequestRoute(route);
  });
  next();
}

/**
 * Swagger UI, served at /docs, runs with scripts and styles of its own origin (inline styles
 * included) and draws its icons from data: URLs; nothing else may load, frame or be framed.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/**
 * CORS from `CORS_ORIGINS`: off when empty (a preflight is answered, with no allow header, so
 * the browser refuses), any origin for `*`, else the listed origins only.
 */
function corsOptions(origins: string) {
  const listed = origins
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return {
    origin: listed.length === 0 ? false : listed.includes('*') ? true : listed,
    exposedHeaders: [
      'X-Request-ID',
      'X-Execution-Id',
      'X-Degraded-Sources',
      'X-Config-Version',
      TRACE_RESPONSE_HEADER,
    ],
    maxAge: 600,
  };
}

/**
 * A preflight that CORS did not answer (it is off, or the origin is not allowed) is answered all
 * the same, without an allow header, so the browser refuses the call plainly instead of meeting
 * a 404.
 */
function answerPreflight(req: IncomingMessage, res: ServerResponse, next: Next): void {
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return next();
  res.statusCode = 204;
  res.setHeader('Content-Length', '0');
  res.end();
}

function refuseUnreadableRequests(limits: BodyLimits, bounded: (req: IncomingMessage) => boolean) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    try {
      new URL(req.url ?? '', 'http://service');
    } catch {
      return next(new BadRequestException('The request target is not a valid URL'));
    }
    // A route that reads its own body decodes it too, and says so in its own protocol's words.
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (bounded(req) && !DECODED_ENCODINGS.has(encoding)) {
      return next(
        new UnsupportedMediaTypeException(
          `Content-Encoding ${encoding} is not supported; send the body as is, gzip or deflate`,
        ),
      );
    }
    const tooLarge = bounded(req) && declaredTooLarge(req, limits);
    if (tooLarge) {
      // What is left of a body no longer than an upload may be is read and dropped after the
      // answer, so that the client, still sending, reads the 413 instead of a reset connection;
      // anything longer is cut.
      if (!(Number(req.headers['content-length']) <= multipartBodyLimit(limits.uploadMaxBytes))) {
        res.setHeader('Connection', 'close');
      }
      return next(tooLarge);
    }
    next();
  };
}

/**
 * A 413 for a body whose Content-Length is over what its media type may weigh: an upload
 * (multipart/form-data) its file's `uploadMaxBytes` and the form around it, anything else
 * `bodyMaxBytes`.
 */
export function declaredTooLarge(
  req: IncomingMessage,
  limits: BodyLimits,
): PayloadTooLargeException | undefined {
  const declared = Number(req.headers['content-length']);
  if (!Number.isFinite(declared)) return undefined;
  if (hasMediaType(req, 'multipart/form-data')) {
    return declared > multipartBodyLimit(limits.uploadMaxBytes)
      ? uploadTooLarge(declared, limits.uploadMaxBytes)
      : undefined;
  }
  if (declared <= limits.bodyMaxBytes) return undefined;
  return new PayloadTooLargeException(
    `The body (${declared} bytes) is larger than the limit of ${limits.bodyMaxBytes} bytes`,
  );
}

/**
 * `Expect: 100-continue`: the client waits for leave to send its body. A body announced too
 * large is refused without that leave (the request goes on to the checks above, which answer
 * 413); any other request gets its `100 Continue`.
 */
function answerExpectContinue(
  server: Server,
  limits: BodyLimits,
  bounded: (req: IncomingMessage) => boolean,
): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!bounded(req) || !declaredTooLarge(req, limits)) res.writeContinue();
    server.emit('request', req, res);
  });
}

/**
 * A request Node's HTTP parser cannot read (a header too large, a NUL in a header, a broken
 * chunk) never reaches Express: it is answered here, in the envelope, with a request id of its
 * own and a log line, and its connection closed.
 */
function answerUnparseableRequests(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const statusCode = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const requestId = randomUUID();
    const body = JSON.stringify({
      statusCode,
      error: STATUS_CODES[statusCode],
      message:
        statusCode === 431 ? 'The request headers are too large' : 'The request cannot be parsed as HTTP/1.1',
      requestId,
    });
    logger.warn(
      { req: { id: requestId }, res: { statusCode }, err: { code: error.code } },
      'request refused by the HTTP parser',
    );
    socket.end(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
