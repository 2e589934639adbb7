import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { creditBureauConfig } from './credit-bureau.config';

/**
 * Holds every credit report request for `CREDIT_BUREAU_DELAY_MS` before it is handled, so that
 * a slow bureau can be played (timeout and retry demos). It runs before the API key guard:
 * refusals are as slow as answers. A request whose client went away is dropped unhandled.
 */
@Injectable()
export class CreditBureauDelayMiddleware implements NestMiddleware {
  private readonly delayMs: number;

  constructor(@Inject(creditBureauConfig.KEY) config: ConfigType<typeof creditBureauConfig>) {
    this.delayMs = config.delayMs;
  }

  use(_req: Request, res: Response, next: NextFunction): void {
    if (this.delayMs === 0) return next();
    const timer = setTimeout(next, this.delayMs);
    res.once('close', () => clearTimeout(timer));
  }
}
