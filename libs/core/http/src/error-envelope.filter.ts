import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DownstreamError } from './downstream.error';
import type { ErrorEnvelope, FieldErrorDto } from './error-envelope';
import { requestIdOf } from './request-id';

/**
 * Turns every error into the one envelope. Services throw typed errors (HttpException,
 * DownstreamError); anything else is a bug, logged with its stack and answered as a bare 500
 * so that internals never leak.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorEnvelope');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const envelope = this.toEnvelope(exception, requestIdOf(req));

    if (exception instanceof DownstreamError) {
      // An expected failure of a downstream: what it said, not a stack of the orchestrator's.
      this.logger.warn(
        {
          source: exception.source,
          kind: exception.kind,
          statusCode: envelope.statusCode,
          detail: exception.detail,
        },
        envelope.message,
      );
    } else if (envelope.statusCode >= 500) {
      this.logger.error({ err: exception, statusCode: envelope.statusCode }, envelope.message);
    }
    if (res.headersSent) {
      // A streamed answer already began: the only honest signal left is to cut it.
      res.destroy();
      return;
    }
    res.status(envelope.statusCode).json(envelope);
  }

  private toEnvelope(exception: unknown, requestId: string): ErrorEnvelope {
    if (exception instanceof DownstreamError) {
      return {
        statusCode: exception.status,
        error: STATUS_CODES[exception.status] ?? 'Error',
        message: exception.message,
        requestId,
        source: exception.source,
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body = exception.getResponse();
      const { message, fields } = describeHttpException(body, exception.message);
      return {
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Error',
        message,
        requestId,
        ...(fields ? { fields } : {}),
      };
    }
    const clientError = clientErrorOf(exception);
    if (clientError) {
      return {
        statusCode: clientError.status,
        error: STATUS_CODES[clientError.status] ?? 'Error',
        message: clientError.message,
        requestId,
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId,
    };
  }
}

/** What body-parser and Express say of a request they could not read, in the words a client can act on. */
const BODY_ERRORS: Record<string, (error: HttpError) => string> = {
  'entity.too.large': (error) => `The body is larger than the limit of ${error.limit} bytes`,
  'entity.parse.failed': () => 'The body is not valid JSON',
  'entity.too.deep': (error) => error.message ?? 'The JSON body nests too deep',
  'charset.unsupported': (error) => `Charset ${error.charset ?? ''} is not supported; send UTF-8`.trim(),
  'encoding.unsupported': (error) => `Content-Encoding ${error.encoding ?? ''} is not supported`,
  'request.aborted': () => 'The request ended before its body was complete',
  'request.size.invalid': () => 'The body is not as long as its Content-Length says',
};

interface HttpError {
  code?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
  limit?: number;
  charset?: string;
  encoding?: string;
}

/**
 * The 4xx of an error raised before a route ran (body-parser, Express's URL decoding), which
 * carry their status the http-errors way; their own message only where it is meant for the
 * client (`expose`), and never a stack or an internal detail.
 */
function clientErrorOf(exception: unknown): { status: number; message: string } | undefined {
  if (!exception || typeof exception !== 'object') return undefined;
  const error = exception as HttpError;
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const known = error.type ? BODY_ERRORS[error.type] : undefined;
  if (known) return { status, message: known(error) };
  // zlib's own words (incorrect header check…) say less than what went wrong.
  if (/^Z_/.test(error.code ?? '')) {
    return { status, message: 'The body cannot be decoded as its Content-Encoding says' };
  }
  if (error.expose && typeof error.message === 'string') return { status, message: error.message };
  return { status, message: STATUS_CODES[status] ?? 'Bad request' };
}

function describeHttpException(
  body: string | object,
  fallback: string,
): { message: string; fields?: FieldErrorDto[] } {
  if (typeof body === 'string') return { message: body };
  const record = body as { message?: unknown; fields?: FieldErrorDto[] };
  const message = Array.isArray(record.message)
    ? record.message.join('; ')
    : typeof record.message === 'string'
      ? record.message
      : fallback;
  return { message, fields: record.fields };
}
