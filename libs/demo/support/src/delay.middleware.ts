import type { NextFunction, Request, Response } from 'express';

/**
 * Holds every request for `delayMs` before it is handled, so that a slow upstream can be played
 * (benchmarks, timeout and retry demos). Applied before the routes' guard, it makes refusals as
 * slow as answers. A request whose client went away is dropped without being handled.
 */
export function delayMiddleware(delayMs: number): (req: Request, res: Response, next: NextFunction) => void {
  return (_req, res, next) => {
    if (delayMs === 0) return next();
    const timer = setTimeout(next, delayMs);
    res.once('close', () => clearTimeout(timer));
  };
}
