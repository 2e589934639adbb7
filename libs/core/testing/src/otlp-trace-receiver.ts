import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { parse as parseProto } from 'protobufjs';
import { LocalHttpServer } from './local-http-server';

/** One span as an OTLP/HTTP exporter sent it, its ids in hex and its attributes as plain values. */
export interface ReceivedSpan {
  /** The `service.name` of the resource that sent it. */
  service: string;
  traceId: string;
  spanId: string;
  /** Absent for a trace's root span. */
  parentSpanId?: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

/**
 * The messages of OTLP's trace export (opentelemetry-proto's trace_service.proto, trace.proto,
 * common.proto and resource.proto), with their field numbers, as far as the tests read them:
 * fields left out are skipped when decoding, as protobuf does with fields it does not know.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Status { string message = 2; int32 code = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; repeated Event events = 11; Status status = 15;
}
message ScopeSpans { repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;

const ExportTraceServiceRequest = parseProto(OTLP_TRACE_PROTO, { keepCase: false }).root.lookupType(
  'otlp.ExportTraceServiceRequest',
);

/** The largest export read; a larger one is answered 413. */
const EXPORT_MAX_BYTES = 8 * 1024 * 1024;

interface DecodedValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
  arrayValue?: { values?: DecodedValue[] };
  kvlistValue?: { values?: DecodedKeyValue[] };
  bytesValue?: Uint8Array | string;
}
interface DecodedKeyValue {
  key: string;
  value?: DecodedValue;
}
interface DecodedSpan {
  traceId: Uint8Array | string;
  spanId: Uint8Array | string;
  parentSpanId?: Uint8Array | string;
  name: string;
  kind?: number;
  attributes?: DecodedKeyValue[];
  events?: { name: string; attributes?: DecodedKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface DecodedExport {
  resourceSpans?: {
    resource?: { attributes?: DecodedKeyValue[] };
    scopeSpans?: { spans?: DecodedSpan[] }[];
  }[];
}

/**
 * An OpenTelemetry collector's OTLP/HTTP trace receiver (`POST /v1/traces`) on a free loopback
 * port, keeping every span it is sent: protobuf (`http/protobuf`, the exporters' default) or
 * JSON (`http/json`), gzipped or not. Point a service at it with
 * `OTEL_EXPORTER_OTLP_ENDPOINT=<url>`.
 */
export class OtlpTraceReceiver extends LocalHttpServer {
  private readonly received: ReceivedSpan[] = [];
  private readonly waiters = new Set<() => void>();

  constructor() {
    super((req, res) => void this.receive(req, res));
  }

  /** Every span received so far, in the order they arrived. */
  get spans(): readonly ReceivedSpan[] {
    return this.received;
  }

  /**
   * The spans received once `enough` says they are (called again on every export), or an error
   * after `timeoutMs` listing what had arrived.
   */
  async waitFor(
    what: string,
    enough: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<readonly ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (!enough(this.received)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const names = this.received.map(({ service, name }) => `${service}: ${name}`);
        throw new Error(
          `${what} did not arrive within ${timeoutMs} ms; received: ${names.join(', ') || 'nothing'}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
    return this.received;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/v1/traces')
      return answer(res, 404, 'not an OTLP trace export');
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      return answer(res, 413, (error as Error).message);
    }
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    let decoded: DecodedExport;
    try {
      decoded = json
        ? (JSON.parse(body.toString('utf8')) as DecodedExport)
        : (ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), {
            longs: Number,
            defaults: false,
          }) as DecodedExport);
    } catch (error) {
      return answer(res, 400, `the export cannot be decoded: ${(error as Error).message}`);
    }
    for (const { resource, scopeSpans } of decoded.resourceSpans ?? []) {
      const service = String(plainAttributes(resource?.attributes)['service.name']);
      for (const { spans } of scopeSpans ?? []) {
        for (const span of spans ?? []) this.received.push(receivedSpan(service, span, json));
      }
    }
    // An empty ExportTraceServiceResponse: everything was accepted.
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : undefined);
    for (const waiter of [...this.waiters]) {
      this.waiters.delete(waiter);
      waiter();
    }
  }
}

function receivedSpan(service: string, span: DecodedSpan, json: boolean): ReceivedSpan {
  // OTLP/JSON writes ids in hex; protobuf carries their bytes.
  const hex = (id: Uint8Array | string | undefined) =>
    id === undefined ? '' : json ? String(id) : Buffer.from(id as Uint8Array).toString('hex');
  const parentSpanId = hex(span.parentSpanId);
  return {
    service,
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    ...(parentSpanId ? { parentSpanId } : {}),
    name: span.name,
    kind: span.kind ?? 0,
    attributes: plainAttributes(span.attributes),
    events: (span.events ?? []).map(({ name, attributes }) => ({
      name,
      attributes: plainAttributes(attributes),
    })),
    status: {
      code: span.status?.code ?? 0,
      ...(span.status?.message ? { message: span.status.message } : {}),
    },
  };
}

function plainAttributes(attributes: DecodedKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, plainValue(value)]));
}

function plainValue(value: DecodedValue | undefined): unknown {
  if (!value) return undefined;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  if (value.kvlistValue) return plainAttributes(value.kvlistValue.values);
  // OTLP/JSON writes 64-bit integers as strings.
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.bytesValue;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > EXPORT_MAX_BYTES)
      req.destroy(new Error(`the export is larger than ${EXPORT_MAX_BYTES} bytes`));
    else chunks.push(chunk);
  });
  await once(req, 'end');
  return Buffer.concat(chunks);
}

function answer(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(message);
}
