import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** One entry of a FastAPI validation error, as pydantic reports it. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
}

/** A refusal the way Feast's server words it: `{"detail": ...}` with the status. */
export class FeatureServerError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | ValidationIssue[],
  ) {
    super(typeof detail === 'string' ? detail : detail.map((issue) => issue.msg).join('; '));
    this.name = 'FeatureServerError';
  }
}

/** FastAPI's 422 for a body that does not fit the request model. */
export const invalidBody = (...issues: ValidationIssue[]) =>
  new FeatureServerError(HttpStatus.UNPROCESSABLE_ENTITY, issues);

/**
 * Answers the feature routes' errors in Feast's own `{"detail": ...}` body rather than the
 * project's envelope, so that any Feast client understands them. A database failure (a missing
 * table) is a 500 whose detail is the database's message, as Feast's server does.
 */
@Catch()
export class FeastStyleErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('FeatureServer');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof FeatureServerError) {
      res.status(exception.status).json({ detail: exception.detail });
      return;
    }
    const detail = exception instanceof Error ? exception.message : String(exception);
    this.logger.error({ err: exception }, detail);
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ detail });
  }
}
