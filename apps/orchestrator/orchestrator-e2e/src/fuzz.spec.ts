import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RunningApp, startApp, stopApps } from './support/apps';
import { envelopeProblem, send } from './support/answers';
import { startIsolatedOrchestrator } from './support/config-directory';
import { seedDemoDatabase } from './support/customers';
import {
  FEAST_PROTOCOL,
  FaultyDownstream,
  OIP_PROTOCOL,
  TEXT_SERVICE_PROTOCOL,
  TRANSCRIPTION_PROTOCOL,
  startFaultyDownstream,
} from './support/faulty-downstream';
import { RawAnswer, chunked, multipartBody, rawRequest, requestHead, tinyWav } from './support/raw-http';

/**
 * Fuzzing every operation of the orchestrator's `/docs-json` with malformed requests, generated
 * by fast-check from a fixed seed: wrong types, deep nesting, huge strings, invalid UTF-8, odd
 * Content-Types, charsets and encodings, broken multipart forms, odd headers, and path traversal
 * and SQL/JSONata/template injection strings in path and query. Each is sent byte for byte over
 * a connection of its own.
 *
 * The downstreams all answer well: stand-ins for the text, transcription, feature and model
 * services (support/faulty-downstream in its `ok` mode), the demo catalog and credit bureau
 * (the built demo apps, the outside world's stand-ins) and the seeded demo SQLite database. So
 * a 502/503/504 is accepted only as a downstream's documented failure, with a `source`; any
 * other 5xx, a dropped connection, or an error that is not the envelope is a violation.
 */

const SEED = 20_261_201;
const RUNS_PER_OPERATION = 300;
/** Cases sent between two checks that the orchestrator still runs. */
const BATCH = 30;
const CONCURRENCY = 4;
const REQUEST_TIMEOUT_MS = 15_000;
/** A crashed orchestrator is restarted and the crash reported; an operation that crashes it this often is fuzzed no further. */
const CRASHES_PER_OPERATION = 3;

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** Media types of the documented request body. */
  bodyTypes: string[];
  bodyFields: string[];
  /** Documented statuses, and those whose documented body is not the error envelope. */
  statuses: Set<number>;
  nonEnvelope: Set<number>;
  name: string;
}

interface FuzzCase {
  label: string;
  method: string;
  target: string;
  headers: [string, string][];
  body?: Buffer;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}
interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: {
    content: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }>;
  };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const schema = Object.values(content)[0]?.schema;
      const properties = schema?.$ref
        ? document.components.schemas[schema.$ref.split('/').pop() ?? '']?.properties
        : schema?.properties;
      const responses = Object.entries(operation.responses);
      return {
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyTypes: Object.keys(content),
        bodyFields: Object.keys(properties ?? {}),
        statuses: new Set(responses.map(([status]) => Number(status))),
        nonEnvelope: new Set(
          responses
            .filter(([, response]) =>
              Object.values(response.content ?? {}).some(
                ({ schema: body }) => body?.$ref && !body.$ref.endsWith('/ErrorEnvelopeDto'),
              ),
            )
            .map(([status]) => Number(status)),
        ),
      };
    }),
  );
}

// --- what is generated -------------------------------------------------------------------

const INJECTIONS = [
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  "' OR '1'='1",
  '1; DROP TABLE customers;--',
  '" OR ""="',
  '$request.customer_id',
  '${product.name}',
  '{{7*7}}',
  '<%= 7*7 %>',
  "$eval('$sum([1,2])')",
  '$$.__proto__',
  '__proto__',
  'constructor',
  '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>',
  'cus-1001\r\nX-Injected: 1',
  'a\u0000b',
  '😀👍🏽',
  'null',
  'NaN',
  '-1',
  '1e309',
  '*',
  '%',
];
const RAW_PATH_JUNK = [
  '%',
  '%zz',
  '..',
  '.',
  '%2e%2e%2f%2e%2e%2f',
  ';a=b',
  '%00',
  '%ff%fe',
  '%c0%af',
  '%E2%80%AE',
];
const VALID_PATH_VALUES: Record<string, string> = {
  customer_id: 'cus-1001',
  product_id: 'prd-1001',
  id: '00000000-0000-4000-8000-000000000000',
};
const JUNK_QUERY_KEYS = [
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  '_trace',
  'token',
  'a[b][c][d][e][f][g][h][i][j]',
  'reviews[]',
  '',
  '%zz',
];
const ODD_QUERIES = [
  '?%',
  '?&&&',
  '?=',
  '?_trace=true&_trace=false',
  '?reviews=1&reviews=2',
  '?reviews[]=1',
  '?limit=1e309',
  '?precision=-0',
  '?since=9999-99-99&until=yesterday',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/json; charset=klingon',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/xml',
  '*/*',
  'application/json;;;',
  'application/merge-patch+json',
  'APPLICATION/JSON',
];

const percentEncode = (bytes: Uint8Array) =>
  [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const encoded = fc.constantFrom(...INJECTIONS).map(encodeURIComponent);

const pathValue = (name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(VALID_PATH_VALUES[name] ?? 'x') },
    { weight: 3, arbitrary: encoded },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_JUNK) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map(percentEncode) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000 }).map((n) => 'a'.repeat(n)) },
  );

const queryValue = fc.oneof(
  encoded,
  fc.constantFrom(
    '',
    'true',
    'false',
    '0',
    '-1',
    '1.5',
    '99999999999999999999',
    '%zz',
    'cus-1001',
    'prd-1001',
  ),
  fc.uint8Array({ maxLength: 30 }).map(percentEncode),
  fc.integer({ min: 100, max: 500 }).map((n) => 'b'.repeat(n)),
);

const queryOf = (operation: Operation) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 5,
      arbitrary: fc
        .array(
          fc.tuple(fc.constantFrom(...operation.queryParams, '_trace', ...JUNK_QUERY_KEYS), queryValue),
          {
            minLength: 1,
            maxLength: 12,
          },
        )
        .map((pairs) => `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 100, max: 1_000 })
        .map((n) => `?${Array.from({ length: n }, (_, i) => `a${i % 7}=${i}`).join('&')}`),
    },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_QUERIES) },
  );

interface GeneratedBody {
  label: string;
  body: Buffer;
  contentType?: string;
}

const json = (label: string, text: string): GeneratedBody => ({ label, body: Buffer.from(text) });

const nested = (depth: number, open: '[' | '{') =>
  open === '[' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const jsonBody = (fields: string[]): fc.Arbitrary<GeneratedBody> => {
  const field = fc.constantFrom(...(fields.length ? fields : ['text']));
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => json('random JSON', JSON.stringify(value) ?? 'null')),
    fc
      .dictionary(field, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...INJECTIONS)), {
        maxKeys: 4,
      })
      .map((value) => json('documented fields, wrong values', JSON.stringify(value))),
    fc
      .record({
        depth: fc.constantFrom(33, 64, 500, 5_000, 20_000),
        open: fc.constantFrom('[' as const, '{' as const),
        field,
      })
      .map(({ depth, open, field: name }) =>
        json(`nested ${depth} deep`, `{"${name}":${nested(depth, open)}}`),
      ),
    fc
      .record({ bytes: fc.constantFrom(200_000, 1_100_000, 2_000_000), field })
      .map(({ bytes, field: name }) => json(`a ${bytes}-byte string`, `{"${name}":"${'a'.repeat(bytes)}"}`)),
    fc.constantFrom(
      {
        label: 'invalid UTF-8',
        body: Buffer.from([
          0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d,
        ]),
      },
      {
        label: 'a byte-order mark',
        body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"text":"x"}')]),
      },
      json(
        '__proto__',
        '{"__proto__":{"polluted":true},"text":"x","constructor":{"prototype":{"polluted":true}}}',
      ),
      json('duplicate keys', '{"text":"x","text":{"a":1},"customer_ids":["cus-1"],"customer_ids":7}'),
      json('odd numbers', '{"text":1e309,"requested_amount":-0,"customer_ids":[12345678901234567890123]}'),
      json('not JSON', "{text: 'x', }"),
      json('empty', ''),
    ),
    fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify({ text: value });
      return json('truncated JSON', text.slice(0, Math.max(1, cut % text.length)));
    }),
  );
};

const urlencodedBody = fc.constantFrom(
  {
    label: 'urlencoded, deep',
    body: Buffer.from(`${'a'}${'[b]'.repeat(200)}=1&text=x`),
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    label: 'urlencoded, bad escape',
    body: Buffer.from('text=%zz&x=%'),
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    label: 'urlencoded, many',
    body: Buffer.from(Array.from({ length: 3_000 }, (_, i) => `k${i}=v`).join('&')),
    contentType: 'application/x-www-form-urlencoded',
  },
);

const B = 'fuzz-boundary';
const wav = tinyWav();
const MULTIPART_FORMS: { label: string; body: () => Buffer; boundary?: string | null }[] = [
  {
    label: 'a valid form',
    body: () =>
      multipartBody(B, [
        { name: 'language', data: 'en' },
        { name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: wav },
      ]),
  },
  {
    label: 'no closing boundary',
    body: () =>
      multipartBody(B, [{ name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: wav }], {
        closed: false,
      }),
  },
  {
    label: 'a truncated part header',
    body: () => multipartBody(B, [{ name: 'file', filename: 'a.wav', data: wav }], { partHeadOnly: true }),
  },
  { label: 'an empty body', body: () => Buffer.alloc(0) },
  {
    label: 'no boundary in Content-Type',
    body: () => multipartBody(B, [{ name: 'file', filename: 'a.wav', data: wav }]),
    boundary: null,
  },
  {
    label: 'the wrong boundary',
    body: () => multipartBody(B, [{ name: 'file', filename: 'a.wav', data: wav }]),
    boundary: 'other',
  },
  {
    label: '40 fields',
    body: () =>
      multipartBody(
        B,
        Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, data: 'x' })),
      ),
  },
  {
    label: 'language after the file',
    body: () =>
      multipartBody(B, [
        { name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: wav },
        { name: 'language', data: 'en' },
      ]),
  },
  {
    label: 'a 4 KB field',
    body: () =>
      multipartBody(B, [
        { name: 'language', data: 'e'.repeat(4_096) },
        { name: 'file', filename: 'a.wav', data: wav },
      ]),
  },
  {
    label: 'an injected filename',
    body: () =>
      multipartBody(B, [
        {
          name: 'file',
          filename: '../../x.wav"; name="y\r\nX-Injected: 1',
          contentType: 'audio/wav',
          data: wav,
        },
      ]),
  },
  {
    label: 'a .txt file',
    body: () =>
      multipartBody(B, [{ name: 'file', filename: 'notes.txt', contentType: 'text/plain', data: 'hello' }]),
  },
  {
    label: 'text posing as a WAV',
    body: () =>
      multipartBody(B, [
        { name: 'file', filename: 'a.wav', contentType: 'audio/wav', data: 'not audio at all' },
      ]),
  },
  {
    label: 'two files',
    body: () =>
      multipartBody(B, [
        { name: 'file', filename: 'a.wav', data: wav },
        { name: 'file', filename: 'b.wav', data: wav },
      ]),
  },
  {
    label: 'the file under another name',
    body: () => multipartBody(B, [{ name: 'upload', filename: 'a.wav', data: wav }]),
  },
  {
    label: 'garbage',
    body: () => Buffer.from('--fuzz-boundary\r\n\r\n\u0000\u0001\u0002--fuzz-boundary-\r\n'),
  },
  {
    label: 'a boundary of 80 characters',
    body: () => multipartBody('x'.repeat(80), [{ name: 'file', filename: 'a.wav', data: wav }]),
    boundary: 'x'.repeat(80),
  },
];
const multipartForm = fc.constantFrom(...MULTIPART_FORMS).map(({ label, body, boundary }) => ({
  label: `multipart: ${label}`,
  body: body(),
  contentType: boundary === null ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary ?? B}`,
}));

const bodyOf = (operation: Operation): fc.Arbitrary<GeneratedBody | undefined> => {
  if (operation.bodyTypes.includes('multipart/form-data')) {
    return fc.oneof(
      { weight: 6, arbitrary: multipartForm },
      { weight: 2, arbitrary: jsonBody(operation.bodyFields) },
      { weight: 1, arbitrary: urlencodedBody },
    );
  }
  if (operation.bodyTypes.length) {
    return fc.oneof(
      { weight: 8, arbitrary: jsonBody(operation.bodyFields) },
      { weight: 1, arbitrary: urlencodedBody },
      { weight: 1, arbitrary: multipartForm },
    );
  }
  return fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: jsonBody([]) });
};

type Encoding =
  | 'none'
  | 'gzip'
  | 'gzip on a plain body'
  | 'br'
  | 'deflate'
  | 'x-unknown'
  | 'identity'
  | 'gzip, br'
  | 'chunked';
const encoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Encoding>('none') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Encoding>(
      'gzip',
      'gzip on a plain body',
      'br',
      'deflate',
      'x-unknown',
      'identity',
      'gzip, br',
      'chunked',
    ),
  },
);

const oddHeaders = fc.array(
  fc.constantFrom<[string, string]>(
    ['X-Request-ID', 'r'.repeat(500)],
    ['X-Request-ID', '../../etc/passwd'],
    ['X-Request-ID', '%0d%0aSet-Cookie:%20injected=1'],
    ['X-Request-ID', '<script>'],
    ['Kong-Request-ID', '"quoted" id'],
    ['Authorization', `Bearer ${'t'.repeat(2_000)}`],
    ['Authorization', 'Basic Og=='],
    ['Authorization', 'Bearer ${ORCHESTRATOR_ADMIN_TOKEN}'],
    ['Accept', 'application/xml;q=2, */*;q=-1'],
    ['Accept-Encoding', 'br;q=1, gzip;q=0, identity;q=0'],
    ['Content-Type', 'application/json'],
    ['X-Forwarded-For', '127.0.0.1, ' + '1.'.repeat(200) + '1'],
    ['Origin', 'https://evil.example'],
    ['Range', 'bytes=0-1,2-3,4-5'],
  ),
  { maxLength: 3 },
);

const caseOf = (operation: Operation): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      pathValues: fc.tuple(...operation.pathParams.map(pathValue), fc.constant('')),
      query: queryOf(operation),
      body: bodyOf(operation),
      encoding,
      contentType: fc.oneof(
        { weight: 5, arbitrary: fc.constant<string | undefined>(undefined) },
        { weight: 1, arbitrary: fc.constantFrom<string | undefined>('', ...CONTENT_TYPES) },
      ),
      headers: oddHeaders,
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(operation.method) },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS') },
      ),
    })
    .map(({ pathValues, query, body, encoding: coding, contentType, headers, method }) => {
      let path = operation.path;
      operation.pathParams.forEach((name, index) => (path = path.replace(`{${name}}`, pathValues[index])));
      const all: [string, string][] = [...headers];
      let payload = body?.body;
      const type = contentType ?? body?.contentType ?? (body ? 'application/json' : undefined);
      if (type !== undefined && payload) all.push(['Content-Type', type]);
      if (payload && coding === 'gzip') payload = gzipSync(payload);
      if (payload && coding !== 'none' && coding !== 'chunked') {
        all.push(['Content-Encoding', coding === 'gzip on a plain body' ? 'gzip' : coding]);
      }
      if (payload && coding === 'chunked') {
        all.push(['Transfer-Encoding', 'chunked']);
        payload = Buffer.concat([
          ...chunked([payload.subarray(0, payload.length >> 1), payload.subarray(payload.length >> 1)]),
        ]);
      } else if (payload) all.push(['Content-Length', String(payload.length)]);
      const label = [
        method !== operation.method && `method ${method}`,
        body?.label,
        coding !== 'none' && coding,
        contentType !== undefined && `Content-Type ${JSON.stringify(contentType)}`,
        headers.length && `headers ${headers.map(([n]) => n).join(',')}`,
      ]
        .filter(Boolean)
        .join('; ');
      return { label: label || 'path/query', method, target: `${path}${query}`, headers: all, body: payload };
    });

// --- what is checked ---------------------------------------------------------------------

interface Violation {
  operation: string;
  kind: string;
  example: string;
}

/** What is wrong with `answer` to a request of `operation`, if anything. */
function violationOf(operation: Operation, answer: RawAnswer): string | undefined {
  if (answer.dropped) return `no answer (${answer.dropped})`;
  return answerViolation(operation, answer);
}

/**
 * A connection reset while a large body was still being sent: the server answered early (a 413)
 * and closed without reading the rest, and the client's socket lost the answer with the reset.
 * Not counted (a client that reads while it writes gets the answer), but reported.
 */
const resetWhileSending = (fuzzCase: FuzzCase, answer: RawAnswer) =>
  answer.dropped !== undefined &&
  /EPIPE|ECONNRESET/.test(answer.dropped) &&
  (fuzzCase.body?.length ?? 0) > 256 * 1024;

function answerViolation(operation: Operation, answer: RawAnswer): string | undefined {
  const { status } = answer;
  if (status >= 200 && status < 300)
    return operation.statuses.has(status) ? undefined : `undocumented ${status}`;
  if (operation.nonEnvelope.has(status)) return undefined;
  const problem = envelopeProblem(answer);
  if (status >= 500) {
    const source = problem ? undefined : (JSON.parse(answer.text) as { source?: string }).source;
    if (![502, 503, 504].includes(status) || !source) return `${status} without a source`;
  }
  return problem && `${status}, not the envelope: ${problem}`;
}

/** Sends `cases` a few at a time; resolves with each answer, in order. */
async function sendAll(port: () => number, cases: FuzzCase[]): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const { method, target, headers, body } = cases[index];
      answers[index] = await rawRequest(port(), {
        head: requestHead(method, target, headers),
        body,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

/** A one-line description of a case, short enough for a report. */
const shown = (fuzzCase: FuzzCase, answer: RawAnswer) =>
  `${fuzzCase.method} ${fuzzCase.target.slice(0, 100)} [${fuzzCase.label}] → ${answer.dropped ?? answer.status} ${answer.text.slice(0, 160)}`;

/** The violations grouped by operation and kind: the count and one example of each. */
function summary(violations: Violation[]): string[] {
  const groups = new Map<string, { count: number; example: string }>();
  for (const { operation, kind, example } of violations) {
    const key = `${operation}: ${kind.replace(/[0-9a-f-]{36}/g, '<id>').slice(0, 140)}`;
    const group = groups.get(key) ?? { count: 0, example };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups].map(([key, { count, example }]) => `${key} ×${count} — e.g. ${example}`);
}

describe('fuzzing every documented operation', () => {
  let directory: string;
  let standIns: FaultyDownstream[];
  let demoApps: RunningApp[];
  let env: Record<string, string>;
  let orchestrator: RunningApp;
  let operations: Operation[];
  let requestsSent = 0;
  const crashes: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'fuzz-e2e-'));
    const databaseUrl = `sqlite:${join(directory, 'main.sqlite')}`;
    const [text, transcription, feast, model, catalog, bureau] = await Promise.all([
      startFaultyDownstream(TEXT_SERVICE_PROTOCOL),
      startFaultyDownstream(TRANSCRIPTION_PROTOCOL),
      startFaultyDownstream(FEAST_PROTOCOL),
      startFaultyDownstream(OIP_PROTOCOL),
      startApp('catalog-api'),
      startApp('credit-bureau'),
      seedDemoDatabase(databaseUrl),
    ]);
    standIns = [text, transcription, feast, model];
    demoApps = [catalog, bureau];
    env = {
      DATABASE_URL: databaseUrl,
      CATALOG_API_URL: catalog.url,
      CREDIT_BUREAU_URL: bureau.url,
      TEXT_SERVICE_URL: text.url,
      TRANSCRIPTION_SERVICE_URL: transcription.url,
      FEATURE_SERVER_URL: feast.url,
      MODEL_SERVICE_URL: model.url,
      TEXT_SERVICE_TIMEOUT_MS: '3000',
      TRANSCRIPTION_SERVICE_TIMEOUT_MS: '3000',
      // A fuzz run must not open a breaker for the requests after it.
      TEXT_SERVICE_BREAKER_THRESHOLD: '1000',
      TRANSCRIPTION_SERVICE_BREAKER_THRESHOLD: '1000',
      FEATURE_SERVER_BREAKER_THRESHOLD: '1000',
      MODEL_SERVICE_BREAKER_THRESHOLD: '1000',
    };
    orchestrator = await startIsolatedOrchestrator(env);
    const docs = await send(`${orchestrator.url}/docs-json`);
    expect(docs.status).toBe(200);
    operations = operationsOf(JSON.parse(docs.text) as OpenApiDocument);
  }, 120_000);
  afterAll(async () => {
    process.stdout.write(
      `fuzz: ${requestsSent} requests sent over ${operations?.length ?? 0} documented operations\n`,
    );
    await stopApps(orchestrator, ...(demoApps ?? []));
    await Promise.all((standIns ?? []).map((standIn) => standIn.close()));
    await rm(directory, { recursive: true, force: true });
  });

  const portOf = () => Number(new URL(orchestrator.url).port);

  it('finds the documented operations', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(operations.map(({ name }) => name)).toEqual(
      expect.arrayContaining([
        'POST /analyze-text',
        'POST /analyze-audio',
        'POST /customers/{customer_id}/voice-feedback',
      ]),
    );
  });

  it(`answers ${RUNS_PER_OPERATION} malformed requests per operation: never a 5xx but a downstream's, never a dropped connection, always the envelope or a documented 2xx`, async () => {
    const violations: Violation[] = [];
    const resets: string[] = [];
    const started = performance.now();
    for (const [index, operation] of operations.entries()) {
      const cases = fc.sample(caseOf(operation), { seed: SEED + index, numRuns: RUNS_PER_OPERATION });
      let crashed = 0;
      for (let from = 0; from < cases.length && crashed < CRASHES_PER_OPERATION; from += BATCH) {
        const batch = cases.slice(from, from + BATCH);
        const answers = await sendAll(portOf, batch);
        requestsSent += batch.length;
        const died = orchestrator.child.exitCode !== null || orchestrator.child.signalCode !== null;
        answers.forEach((answer, i) => {
          if (resetWhileSending(batch[i], answer)) return void resets.push(shown(batch[i], answer));
          const kind = violationOf(operation, answer);
          if (kind && !(died && answer.dropped)) {
            violations.push({ operation: operation.name, kind, example: shown(batch[i], answer) });
          }
        });
        if (died) {
          const error =
            orchestrator
              .output()
              .match(/^\w*Error\b.*$/gm)
              ?.at(-1) ?? 'no error printed';
          crashed += 1;
          crashes.push(
            `${operation.name}: exit ${orchestrator.child.exitCode ?? orchestrator.child.signalCode}: ` +
              `${error.slice(0, 200)}; by one of the batch [${batch.map(({ label }) => label).join(' | ')}]`,
          );
          orchestrator = await startIsolatedOrchestrator(env);
        }
      }
    }
    process.stdout.write(
      `fuzz: ${requestsSent} requests in ${Math.round(performance.now() - started)} ms; ` +
        `${resets.length} connections reset while a large body was being sent (not counted)` +
        `${resets.length ? `, e.g. ${resets[0]}` : ''}\n`,
    );
    expect({ crashes, violations: summary(violations) }).toEqual({ crashes: [], violations: [] });
  }, 170_000);

  it('is alive afterwards, and POST /analyze-text with a valid body still works against the stand-in text service', async () => {
    expect({ exitCode: orchestrator.child.exitCode, signal: orchestrator.child.signalCode }).toEqual({
      exitCode: null,
      signal: null,
    });
    const answer = await send(`${orchestrator.url}/analyze-text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'I love the new office.' }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ sentiment: { label: 'positive' } });
  });

  /**
   * Requests the HTTP parser refuses before any route sees them: Node answers those itself, a
   * bare 400/431 without a body, unless the server handles `clientError`.
   */
  it.each([
    {
      what: 'a NUL byte in a header value',
      head: 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\nConnection: close\r\n\r\n',
    },
    {
      what: 'an obs-fold header line',
      head: 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n',
    },
    {
      what: 'a 20 KB header',
      head: `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    },
    {
      what: 'a space in the target',
      head: 'GET /health live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    },
    {
      what: 'Content-Length and Transfer-Encoding together',
      head: 'POST /analyze-text HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    },
    {
      what: 'an invalid chunk size',
      head: 'POST /analyze-text HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    },
  ])('answers $what at the HTTP parser with the envelope', async ({ head }) => {
    const answer = await rawRequest(portOf(), { head: Buffer.from(head, 'latin1'), timeoutMs: 5_000 });
    requestsSent += 1;
    expect(answer.dropped).toBeUndefined();
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(envelopeProblem(answer)).toBeUndefined();
  });
});
