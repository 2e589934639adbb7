import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { API_KEY_HEADER, creditBureauConfig } from './credit-bureau.config';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Lets a request through only with `X-API-Key: <CREDIT_BUREAU_API_KEY>`. */
@Injectable()
export class CreditBureauApiKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(creditBureauConfig.KEY) config: ConfigType<typeof creditBureauConfig>) {
    this.expected = digest(config.apiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const key = context.switchToHttp().getRequest<Request>().header(API_KEY_HEADER);
    if (!key) throw new UnauthorizedException(`An API key is required: ${API_KEY_HEADER}: <key>`);
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (timingSafeEqual(digest(key), this.expected)) return true;
    throw new UnauthorizedException('The API key is not valid');
  }
}
