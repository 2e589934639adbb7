import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestIdOf } from '@libs/core/http';
import type { Request, Response } from 'express';

/** Who a composite works for: the request's id, and a signal that fires if its client goes away. */
export interface CompositeCaller {
  requestId: string;
  signal: AbortSignal;
  /**
   * The HTTP exchange of a composite route, for what its answer carries: the headers of its
   * execution record, the trace `?_trace=true` asks for. None for a composite run from code.
   */
  http?: { request: Request; response: Response };
}

/**
 * The caller of a composite route, as a route parameter. The signal aborts when the connection
 * closes before the answer is written, so that a composite's downstream calls stop with it.
 *
 * It aborts just after the close, not during it: Nest unsubscribes from the route's Observable
 * then (cancelling the calls in it), and a request whose client left ends quietly. Aborting first
 * would fail those calls with a 504 that nobody receives but the error log. The signal is what
 * adapters are given (`SourceCallContext.signal`), and it reaches work outside that Observable.
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CompositeCaller => {
  const http = context.switchToHttp();
  const request = http.getRequest<Request>();
  const response = http.getResponse<Response>();
  const abandoned = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) setImmediate(() => abandoned.abort(new Error('the client went away')));
  });
  return { requestId: requestIdOf(request), signal: abandoned.signal, http: { request, response } };
});
