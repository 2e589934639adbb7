import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { catalogConfig } from './catalog.config';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Lets a request through only with `Authorization: Bearer <CATALOG_API_TOKEN>`. */
@Injectable()
export class CatalogTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(catalogConfig.KEY) config: ConfigType<typeof catalogConfig>) {
    this.expected = digest(config.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const token = BEARER.exec(http.getRequest<Request>().headers.authorization ?? '')?.[1];
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (token !== undefined && timingSafeEqual(digest(token), this.expected)) return true;

    const response = http.getResponse<Response>();
    if (token === undefined) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="demo-catalog"');
      throw new UnauthorizedException('A bearer token is required: Authorization: Bearer <token>');
    }
    response.setHeader('WWW-Authenticate', 'Bearer realm="demo-catalog", error="invalid_token"');
    throw new UnauthorizedException('The bearer token is not valid');
  }
}
