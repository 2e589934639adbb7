import { Injectable, NestMiddleware } from '@nestjs/common';
import { noteRouteTemplate, requestIdOf } from '@libs/core/http';
import type { NextFunction, Request, Response } from 'express';
import { Observable, firstValueFrom, from, ignoreElements, map, merge } from 'rxjs';
import { qualifiedName } from '../model';
import { ConfigurationState } from './configuration.state';
import { ExecutionRecorder } from './execution.recorder';
import { responseBodyOf, traceRequested } from './execution.response';
import { RequestBinding } from './request.binding';

/**
 * Serves the YAML endpoints of the live configuration. It is middleware rather than controllers
 * because the routes change with every reload, without a restart. A request is matched against
 * the configuration current when it arrives and runs on it to the end: its params bound
 * (`RequestBinding`), its endpoint run as one recorded execution (`ExecutionRecorder`), its
 * answer shaped (`responseBodyOf`).
 */
@Injectable()
export class EndpointRouter implements NestMiddleware {
  constructor(
    private readonly state: ConfigurationState,
    private readonly binding: RequestBinding,
    private readonly recorder: ExecutionRecorder,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const live = this.state.current;
    // Mounted on every path, this middleware sees `req.path` relative to its mount point.
    const route = live.match(req.method, new URL(req.originalUrl, 'http://orchestrator').pathname);
    if (!route) return next();
    const { endpoint } = route;
    noteRouteTemplate(req, endpoint.definition.path);
    const withTrace = traceRequested(req, live.snapshot.settings);
    const { params, formRest } = await this.binding.bind(req, res, route);
    const cancel = new AbortController();
    const abandon = () => {
      if (!res.writableFinished) cancel.abort();
    };
    res.once('close', abandon);
    try {
      const options = {
        name: qualifiedName(endpoint.definition),
        snapshot: live.snapshot,
        requestId: requestIdOf(req),
        signal: cancel.signal,
        response: res,
      };
      const recorded = await firstValueFrom(
        untilAborted(
          this.recorder.record(options, (recording) =>
            failingWith(formRest, recording.execute(endpoint, { params }).pipe(map(({ body }) => body))),
          ),
          cancel.signal,
        ),
      );
      res.status(200).json(responseBodyOf(recorded, withTrace));
    } finally {
      res.off('close', abandon);
    }
  }
}

/**
 * `execution`, failed with the client's own error as soon as the rest of its form fails (a
 * truncated upload, a file over the limit), whatever its sources are doing meanwhile.
 */
function failingWith<T>(formRest: Promise<void> | undefined, execution: Observable<T>): Observable<T> {
  return formRest ? merge(execution, from(formRest).pipe(ignoreElements())) : execution;
}

/** Unsubscribes (and so cancels every source) when the client goes away. */
function untilAborted<T>(source: Observable<T>, signal: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscription = source.subscribe(subscriber);
    const stop = () => subscription.unsubscribe();
    signal.addEventListener('abort', stop, { once: true });
    return () => {
      signal.removeEventListener('abort', stop);
      subscription.unsubscribe();
    };
  });
}
