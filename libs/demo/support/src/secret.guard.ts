import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretAndDelayConfig } from './secret-and-delay.config';

/** Where a request carries the secret, and how a refusal says what was wrong. */
export interface SecretScheme {
  /** The secret the request presents, or undefined (or empty) when it presents none this way. */
  presented(request: Request): string | undefined;
  /** The 401 for a request that presents no secret; it may set response headers. */
  missing(response: Response): UnauthorizedException;
  /** The 401 for a request that presents another secret; it may set response headers. */
  invalid(response: Response): UnauthorizedException;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** `Authorization: Bearer <secret>`; refusals carry `WWW-Authenticate` in `realm`. */
export function bearerToken(realm: string): SecretScheme {
  return {
    presented: (request) => BEARER.exec(request.headers.authorization ?? '')?.[1],
    missing(response) {
      response.setHeader('WWW-Authenticate', `Bearer realm="${realm}"`);
      return new UnauthorizedException('A bearer token is required: Authorization: Bearer <token>');
    },
    invalid(response) {
      response.setHeader('WWW-Authenticate', `Bearer realm="${realm}", error="invalid_token"`);
      return new UnauthorizedException('The bearer token is not valid');
    },
  };
}

/** `<header>: <secret>`, as an API key. */
export function apiKeyHeader(header: string): SecretScheme {
  return {
    presented: (request) => request.header(header),
    missing: () => new UnauthorizedException(`An API key is required: ${header}: <key>`),
    invalid: () => new UnauthorizedException('The API key is not valid'),
  };
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A guard that lets a request through only when it presents, as `scheme` says, the `secret` of
 * the config namespace registered under `configKey`. Each call makes a class of its own, so that
 * Nest injects each service's guard with its own namespace: bind it to a name once
 * (`export const CatalogTokenGuard = secretGuard(…)`) and use that in `@UseGuards`.
 */
export function secretGuard(configKey: string | symbol, scheme: SecretScheme): Type<CanActivate> {
  @Injectable()
  class SecretGuard implements CanActivate {
    private readonly expected: Buffer;

    constructor(@Inject(configKey) config: SecretAndDelayConfig) {
      this.expected = digest(config.secret);
    }

    canActivate(context: ExecutionContext): boolean {
      const http = context.switchToHttp();
      const secret = scheme.presented(http.getRequest<Request>());
      if (!secret) throw scheme.missing(http.getResponse<Response>());
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (timingSafeEqual(digest(secret), this.expected)) return true;
      throw scheme.invalid(http.getResponse<Response>());
    }
  }
  return SecretGuard;
}
