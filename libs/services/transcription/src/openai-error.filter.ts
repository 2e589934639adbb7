import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { OpenAiErrorDto } from './transcription.dto';
import { TranscriptionError } from './transcription.errors';

/**
 * Answers the OpenAI-compatible routes with OpenAI's error envelope instead of the services'
 * own, because OpenAI clients read `error.message`. Unexpected errors are logged and answered
 * as a bare 500 so that internals never leak.
 */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Transcription');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // The client went away (and its job was cancelled): there is no one to answer.
    if (res.destroyed) return;

    const { status, body } = toOpenAiError(exception);
    if (status >= HttpStatus.INTERNAL_SERVER_ERROR) {
      this.logger.error({ err: exception, statusCode: status }, body.error.message);
    }
    res.status(status).json(body);
  }
}

/** The status and OpenAI's envelope for an error; anything but a TranscriptionError is an opaque 500. */
export function toOpenAiError(exception: unknown): { status: number; body: OpenAiErrorDto } {
  if (exception instanceof TranscriptionError) {
    return {
      status: exception.status,
      body: {
        error: {
          message: exception.message,
          type:
            exception.status >= HttpStatus.INTERNAL_SERVER_ERROR ? 'server_error' : 'invalid_request_error',
          param: exception.param,
          code: null,
        },
      },
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { message: 'Internal server error', type: 'server_error', param: null, code: null } },
  };
}
