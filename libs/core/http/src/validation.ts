import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldErrorDto } from './error-envelope';

/** Flattens class-validator's nested errors into `field.path: constraint messages`. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * The one validation pipe of every service: unknown fields are refused rather than silently
 * dropped, and a 400 lists each invalid field so that a client can fix all of them at once.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => invalidRequest(toFieldErrors(errors)),
  });
}

/** The 400 of a request with invalid fields, for input the pipe does not see (multipart forms). */
export function invalidRequest(fields: FieldErrorDto[]): BadRequestException {
  return new BadRequestException({
    message: `Invalid request: ${fields.map((f) => `${f.field} (${f.errors.join(', ')})`).join('; ')}`,
    fields,
  });
}
