import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { catalogConfig } from './catalog.config';

/**
 * Holds every catalog request for `CATALOG_API_DELAY_MS` before it is handled, so that a slow
 * upstream can be played (benchmarks, timeout demos). It runs before the token guard: refusals
 * are as slow as answers. A request whose client went away is dropped without being handled.
 */
@Injectable()
export class CatalogDelayMiddleware implements NestMiddleware {
  private readonly delayMs: number;

  constructor(@Inject(catalogConfig.KEY) config: ConfigType<typeof catalogConfig>) {
    this.delayMs = config.delayMs;
  }

  use(_req: Request, res: Response, next: NextFunction): void {
    if (this.delayMs === 0) return next();
    const timer = setTimeout(next, this.delayMs);
    res.once('close', () => clearTimeout(timer));
  }
}
