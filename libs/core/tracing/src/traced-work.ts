import { context, trace, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { tracingStarted } from './tracing';

const tracer = trace.getTracer('@libs/core/tracing');

/** Where a span of work hangs in its trace: the context of what asked for the work. */
export type TraceParent = Context;

/**
 * The trace context the running code is in, for work that starts later (after an await, an
 * observable's input) to hang under it; undefined while tracing is off, and so is every
 * `TracedWork` begun under it.
 */
export function currentTraceParent(): TraceParent | undefined {
  return tracingStarted() ? context.active() : undefined;
}

/** One piece of work of a request, traced as a span of its own, child of the span that asked for it. */
export class TracedWork {
  private readonly context: Context;

  private constructor(
    private readonly span: Span,
    parent: TraceParent,
  ) {
    this.context = trace.setSpan(parent, span);
  }

  /** The work's span, begun now; undefined (nothing is traced) when `parent` is. */
  static begin(
    name: string,
    attributes: Attributes,
    parent: TraceParent | undefined,
  ): TracedWork | undefined {
    if (!parent) return undefined;
    return new TracedWork(tracer.startSpan(name, { attributes }, parent), parent);
  }

  /** Runs `work` as part of this span: what it calls (HTTP requests, log lines) is its child. */
  within<T>(work: () => T): T {
    return context.with(this.context, work);
  }

  event(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, attributes);
  }

  /** Ends the span with its final attributes; a `failure` marks it an error, with that message. */
  end(attributes: Attributes, failure?: string): void {
    this.span.setAttributes(attributes);
    if (failure !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    this.span.end();
  }
}
