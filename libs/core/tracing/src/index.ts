export { startTracing, shutdownTracing, tracingRequested, tracingStarted } from './tracing';
export { TRACE_RESPONSE_HEADER, activeTraceId, nameRequestRoute, traceFields } from './trace-context';
export { TracedWork, currentTraceParent, type TraceParent } from './traced-work';
export { TraceExport } from './trace-export';
