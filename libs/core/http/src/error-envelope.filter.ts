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

    if (envelope.statusCode >= 500) {
      this.logger.error(
        { err: exception, source: envelope.source, statusCode: envelope.statusCode },
        envelope.message,
      );
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
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId,
    };
  }
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
