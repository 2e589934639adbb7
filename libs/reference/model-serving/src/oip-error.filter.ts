import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Errors of the `/v2` routes as the Open Inference Protocol has them, `{ "error": "…" }`, which
 * is what KServe, Triton and MLServer clients read. Anything but an HttpException is a bug:
 * logged, and answered as a bare 500.
 */
@Catch()
export class OipErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenInferenceProtocol');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json({ error: messageOf(exception) });
      return;
    }
    this.logger.error({ err: exception }, 'inference failed');
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: 'Internal server error' });
  }
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const { message } = body as { message?: unknown };
  return typeof message === 'string' ? message : exception.message;
}
