import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Server, Socket, createServer } from 'node:net';
import { RecordedRequest, StubServer, sendJson, startStubServer } from './stub-server';

/**
 * A secret-looking string every stand-in puts in its error bodies: the orchestrator must never
 * pass a downstream's error text on, so this must never reach a client, a record or a log.
 */
export const DOWNSTREAM_SECRET = 'sk-live-e2e-DOWNSTREAM-SECRET-5f0c2a9e';

/** How a stand-in misbehaves on the calls its protocol says are faulted. */
export type Fault =
  /** Answers as the real service would. */
  | { kind: 'ok' }
  /** Nothing listens: connections are refused. */
  | { kind: 'refuse' }
  /** Accepts the request, never answers. */
  | { kind: 'hang' }
  /** This status, with the protocol's error body (which holds DOWNSTREAM_SECRET). */
  | { kind: 'status'; status: number }
  /** 200 `application/json` whose body is not JSON. */
  | { kind: 'malformed' }
  /** Headers and half the promised body, then the connection is destroyed. */
  | { kind: 'reset' }
  /** 200 and a byte of JSON whitespace every `intervalMs`, then (after `forMs`) a good body. */
  | { kind: 'trickle'; intervalMs: number; forMs: number }
  /** A valid JSON answer of `bytes` bytes, streamed in chunks without ever being held whole. */
  | { kind: 'huge'; bytes: number };

/** A backend's protocol, as far as a stand-in needs to speak it. */
export interface DownstreamProtocol {
  name: string;
  /** Whether a call is one the fault applies to; others (metadata, health) are answered well. */
  isFaulted(method: string, path: string): boolean;
  /** The real service's answer to a call. */
  answer(request: RecordedRequest): { status: number; body: unknown };
  /** The protocol's error body for `status`, carrying DOWNSTREAM_SECRET in its message. */
  errorBody(status: number): unknown;
}

const pathOf = (url: string) => new URL(url, 'http://stand-in').pathname;
const jsonBody = (request: RecordedRequest): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(request.body.toString());
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** The text service: `POST /analyze` (libs/core/contracts). */
export const TEXT_SERVICE_PROTOCOL: DownstreamProtocol = {
  name: 'text-service',
  isFaulted: (method, path) => method === 'POST' && path === '/analyze',
  answer: () => ({
    status: 200,
    body: {
      language: { code: 'en', confidence: 0.98, detected: true },
      sentiment: { score: 0.5, label: 'positive' },
      keywords: [{ term: 'office', count: 1, score: 0.9 }],
    },
  }),
  errorBody: (status) => ({ statusCode: status, message: `analysis failed near ${DOWNSTREAM_SECRET}` }),
};

/** An OpenAI-compatible transcription service: `POST /v1/audio/transcriptions`, verbose_json. */
export const TRANSCRIPTION_PROTOCOL: DownstreamProtocol = {
  name: 'transcription-service',
  isFaulted: (method, path) => method === 'POST' && path === '/v1/audio/transcriptions',
  answer: () => ({
    status: 200,
    body: {
      task: 'transcribe',
      language: 'english',
      duration: 1.5,
      text: ' hello world',
      segments: [{ id: 0, seek: 0, start: 0, end: 1.5, text: ' hello world', tokens: [] }],
    },
  }),
  errorBody: (status) => ({
    error: { message: `engine failure, key ${DOWNSTREAM_SECRET}`, type: 'server_error', code: status },
  }),
};

/** The demo catalog API (`{ data }` answers); prd-9999 is unknown. */
export const CATALOG_PROTOCOL: DownstreamProtocol = {
  name: 'catalog',
  isFaulted: (method, path) => method === 'GET' && /^\/products\/[^/]+$/.test(path),
  answer: (request) => {
    const id = decodeURIComponent(pathOf(request.url).split('/')[2] ?? '');
    return id === 'prd-9999'
      ? {
          status: 404,
          body: { statusCode: 404, error: 'Not Found', message: `The catalog has no product ${id}` },
        }
      : {
          status: 200,
          body: {
            data: {
              id,
              name: 'Oak Desk Lamp',
              supplier_id: 'sup-nordlys',
              variants: [{ sku: 'LMP-OAK-WHT' }],
            },
          },
        };
  },
  errorBody: (status) => ({
    statusCode: status,
    error: 'Error',
    message: `invalid credentials: Bearer ${DOWNSTREAM_SECRET}`,
  }),
};

/** A Feast feature server: `POST /get-online-features`, answered in Feast's columnar form. */
export const FEAST_PROTOCOL: DownstreamProtocol = {
  name: 'feature-server',
  isFaulted: (method, path) => method === 'POST' && path === '/get-online-features',
  answer: (request) => {
    const { features, entities } = jsonBody(request) as {
      features?: string[];
      entities?: Record<string, unknown[]>;
    };
    const keys = Object.keys(entities ?? {});
    const rows = Object.values(entities ?? {})[0]?.length ?? 0;
    const names = Array.isArray(features)
      ? features.map((feature) => String(feature).split(':')[1] ?? String(feature))
      : [
          'customer_lifetime_value',
          'purchase_frequency',
          'avg_transaction_amount',
          'days_since_last_purchase',
        ];
    const present = (values: unknown[]) => ({
      values,
      statuses: values.map(() => 'PRESENT'),
      event_timestamps: values.map(() => '2024-08-01T00:00:00Z'),
    });
    return {
      status: 200,
      body: {
        metadata: { feature_names: [...keys, ...names] },
        results: [
          ...keys.map((key) => present(entities?.[key] ?? [])),
          ...names.map((_, index) => present(Array.from({ length: rows }, () => 10 + index))),
        ],
      },
    };
  },
  errorBody: (status) => ({ detail: `feature view lookup failed: ${DOWNSTREAM_SECRET}`, status }),
};

/** The demo models, as an Open Inference Protocol server describes them. */
const OIP_MODELS: Record<string, { inputs: number; output: string; outputs: number }> = {
  credit_risk: { inputs: 5, output: 'probability_of_default', outputs: 1 },
  product_recommendation: { inputs: 4, output: 'scores', outputs: 5 },
};

/** An Open Inference Protocol server: metadata `GET /v2/models/<m>`, `POST /v2/models/<m>/infer`. */
export const OIP_PROTOCOL: DownstreamProtocol = {
  name: 'model-service',
  isFaulted: (method, path) =>
    method === 'POST' && /^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/infer$/.test(path),
  answer: (request) => {
    const [, , , name = ''] = pathOf(request.url).split('/');
    const model = OIP_MODELS[decodeURIComponent(name)];
    if (!model) return { status: 404, body: { error: `model ${name} is not known` } };
    if (request.method === 'GET') {
      return {
        status: 200,
        body: {
          name,
          versions: ['1'],
          platform: 'onnxruntime_onnx',
          inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, model.inputs] }],
          outputs: [{ name: model.output, datatype: 'FP32', shape: [-1, model.outputs] }],
        },
      };
    }
    const { id } = jsonBody(request);
    return {
      status: 200,
      body: {
        model_name: name,
        model_version: '1',
        ...(typeof id === 'string' ? { id } : {}),
        outputs: [
          {
            name: model.output,
            datatype: 'FP32',
            shape: [1, model.outputs],
            data: Array.from({ length: model.outputs }, (_, index) => 0.1 + index / 10),
          },
        ],
      },
    };
  },
  errorBody: () => ({ error: `inference failed: tensor dump ${DOWNSTREAM_SECRET}` }),
};

/** What became of a huge answer: whether the orchestrator cut the connection before its end. */
export interface HugeAnswerOutcome {
  bytesWritten: number;
  /** The whole answer was written. */
  finished: boolean;
}

/** A loopback stand-in speaking one backend's protocol, with a fault switched on and off by tests. */
export interface FaultyDownstream {
  url: string;
  server: StubServer;
  fault: Fault;
  setFault(fault: Fault): Promise<void>;
  /** Calls of the faulted kind that began (complete or not) since `resetCounts`. */
  attempts(): number;
  /** Every call that began since `resetCounts`, health probes excluded. */
  calls(): StubServer['arrivals'];
  /** The huge answers sent since `resetCounts`, in order. */
  hugeAnswers: HugeAnswerOutcome[];
  resetCounts(): void;
  /**
   * Resolves once every call that began has ended (whole or cut) and none began for `settleMs`:
   * a call the orchestrator aborted may still reach the stand-in after its client's answer, and
   * must not be counted by the next test.
   */
  quiet(settleMs?: number): Promise<void>;
  close(): Promise<void>;
}

const HEALTH_PATHS = new Set(['/health', '/v2/health/ready', '/v2/health/live']);
/** How long no call may begin before a stand-in counts as quiet, and how long to wait for that. */
const QUIET_SETTLE_MS = 500;
const QUIET_TIMEOUT_MS = 10_000;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

export async function startFaultyDownstream(protocol: DownstreamProtocol): Promise<FaultyDownstream> {
  let countedFrom = 0;
  const hugeAnswers: HugeAnswerOutcome[] = [];
  /** The calls that began after the first `from`, health probes excluded. */
  const callsSince = (from: number) =>
    server.arrivals.slice(from).filter(({ url }) => !HEALTH_PATHS.has(pathOf(url)));
  const downstream: FaultyDownstream = {
    url: '',
    server: undefined as unknown as StubServer,
    fault: { kind: 'ok' },
    async setFault(fault) {
      downstream.fault = fault;
      await (fault.kind === 'refuse' ? server.refuseConnections() : server.acceptConnections());
    },
    calls: () => callsSince(countedFrom),
    attempts: () =>
      downstream.calls().filter(({ method, url }) => protocol.isFaulted(method, pathOf(url))).length,
    hugeAnswers,
    resetCounts() {
      countedFrom = server.arrivals.length;
      hugeAnswers.length = 0;
    },
    async quiet(settleMs = QUIET_SETTLE_MS) {
      const deadline = Date.now() + QUIET_TIMEOUT_MS;
      let seen = callsSince(0).length;
      let since = Date.now();
      for (;;) {
        const calls = callsSince(0);
        const ended = calls.every(({ complete, cut }) => complete || cut);
        if (calls.length !== seen || !ended) {
          seen = calls.length;
          since = Date.now();
        } else if (Date.now() - since >= settleMs) {
          return;
        }
        if (Date.now() > deadline) throw new Error(`calls kept arriving for ${QUIET_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => server.close(),
  };
  const server = await startStubServer((request, response) => {
    const path = pathOf(request.url);
    if (request.method === 'GET' && HEALTH_PATHS.has(path)) return sendJson(response, 200, { status: 'ok' });
    const { fault } = downstream;
    if (fault.kind === 'ok' || !protocol.isFaulted(request.method, path)) {
      const { status, body } = protocol.answer(request);
      return sendJson(response, status, body);
    }
    return misbehave(fault, protocol, request, response, hugeAnswers);
  });
  downstream.server = server;
  downstream.url = server.url;
  return downstream;
}

async function misbehave(
  fault: Exclude<Fault, { kind: 'ok' }>,
  protocol: DownstreamProtocol,
  request: RecordedRequest,
  response: ServerResponse,
  hugeAnswers: HugeAnswerOutcome[],
): Promise<void> {
  const good = JSON.stringify(protocol.answer(request).body);
  switch (fault.kind) {
    // A call that got in just before the listener closed is left unanswered too.
    case 'refuse':
    case 'hang':
      return;
    case 'status':
      return sendJson(response, fault.status, protocol.errorBody(fault.status));
    case 'malformed':
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(`${good.slice(0, Math.ceil(good.length / 2))}<html>oops`);
    case 'reset': {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': good.length });
      response.write(good.slice(0, Math.floor(good.length / 2)), () => response.socket?.destroy());
      return;
    }
    case 'trickle': {
      response.writeHead(200, { 'content-type': 'application/json' });
      const until = Date.now() + fault.forMs;
      while (Date.now() < until && !response.destroyed) {
        response.write(' ');
        await new Promise((resolve) => setTimeout(resolve, fault.intervalMs));
      }
      if (!response.destroyed) response.end(good);
      return;
    }
    case 'huge':
      return streamHugeAnswer(response, good, fault.bytes, hugeAnswers);
  }
}

/**
 * `{"padding":"aaaa…", <the good answer's fields>}`, `bytes` long, written 64 KiB at a time
 * as the receiver takes them: a receiver that reads it all gets a valid answer.
 */
async function streamHugeAnswer(
  response: ServerResponse,
  good: string,
  bytes: number,
  outcomes: HugeAnswerOutcome[],
): Promise<void> {
  const outcome: HugeAnswerOutcome = { bytesWritten: 0, finished: false };
  outcomes.push(outcome);
  const head = '{"padding":"';
  const tail = `",${good.slice(1)}`;
  const closed = once(response, 'close').then(() => false);
  const write = async (chunk: Buffer | string) => {
    outcome.bytesWritten += Buffer.byteLength(chunk);
    if (!response.write(chunk)) {
      return Promise.race([once(response, 'drain').then(() => true), closed]);
    }
    return !response.destroyed;
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  if (!(await write(head))) return;
  for (let left = bytes - head.length - tail.length; left > 0; left -= CHUNK.length) {
    if (!(await write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left)))) return;
  }
  if (!(await write(tail))) return;
  response.end();
  outcome.finished = await Promise.race([once(response, 'finish').then(() => true), closed]);
}

/** A TCP server standing in for a database server that accepts connections and then fails them. */
export interface FaultyTcpServer {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * `hang`: accepts and reads, never answers. `reset`: destroys each connection as soon as the
 * client has sent something (a PostgreSQL client's startup message).
 */
export async function startFaultyTcpServer(mode: 'hang' | 'reset'): Promise<FaultyTcpServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', () => {
      if (mode === 'reset') socket.resetAndDestroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/**
 * How many calls a stand-in sees for a failure that is retried: one, plus the retries of the
 * one layer that retries. A YAML source's `retry` replaces the backend's own retries, never
 * multiplies them.
 */
export function attemptsForTransientFailure(retries: { backend?: number; source?: number }): number {
  return 1 + (retries.source ?? retries.backend ?? 0);
}
