import type { ErrorEnvelopeDto } from '@libs/core/http';
import { STATUS_CODES } from 'node:http';
import type { RunningApp } from './apps';
import { eventually } from './engine';
import { DOWNSTREAM_SECRET } from './faulty-downstream';

/** An answer as every helper here reads it: fetch's or a raw socket's. */
export interface Answer {
  status: number;
  headers: Headers | Record<string, string>;
  text: string;
}

const ENVELOPE_KEYS = ['statusCode', 'error', 'message', 'requestId', 'source', 'fields'];

export const headerOf = (answer: Answer, name: string): string | null =>
  answer.headers instanceof Headers ? answer.headers.get(name) : (answer.headers[name] ?? null);

/** fetch, with the answer's text read whatever its type. */
export async function send(url: string, init: RequestInit = {}): Promise<Answer & { elapsedMs: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, elapsedMs: performance.now() - started };
}

/** Why an answer is not the error envelope, or undefined when it is. */
export function envelopeProblem(answer: Answer): string | undefined {
  const type = headerOf(answer, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    return `Content-Type is ${JSON.stringify(type)}, not application/json`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `the body is not JSON: ${answer.text.slice(0, 120)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is not an object';
  const extra = Object.keys(body).filter((key) => !ENVELOPE_KEYS.includes(key));
  if (extra.length) return `the body has keys beyond the envelope: ${extra.join(', ')}`;
  if (body['statusCode'] !== answer.status)
    return `statusCode ${String(body['statusCode'])} ≠ ${answer.status}`;
  if (body['error'] !== STATUS_CODES[answer.status]) return `error is ${JSON.stringify(body['error'])}`;
  if (typeof body['message'] !== 'string' || !body['message']) return 'message is empty';
  if (typeof body['requestId'] !== 'string' || !body['requestId']) return 'requestId is empty';
  if (headerOf(answer, 'x-request-id') !== body['requestId']) {
    return `requestId ${String(body['requestId'])} ≠ X-Request-ID ${String(headerOf(answer, 'x-request-id'))}`;
  }
  return undefined;
}

/**
 * Asserts that `answer` is the error envelope with `status` (and `source` when given; `null`
 * for none), its requestId the X-Request-ID header, and that nothing of a downstream's error
 * text is in it. Returns the envelope.
 */
export function expectEnvelope(answer: Answer, status: number, source?: string | null): ErrorEnvelopeDto {
  const described = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect({ status: answer.status, answer: described }).toEqual({ status, answer: described });
  expect(envelopeProblem(answer)).toBeUndefined();
  const envelope = JSON.parse(answer.text) as ErrorEnvelopeDto;
  if (source === null) expect(envelope.source).toBeUndefined();
  else if (source !== undefined) expect(envelope.source).toBe(source);
  expect(answer.text).not.toContain(DOWNSTREAM_SECRET);
  return envelope;
}

/** One access-log line: what pino-http writes once a request has been answered. */
export interface AccessLine {
  level: number;
  req: { id: string; method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
  msg: string;
}

/** The JSON lines of an app's output. */
export function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

export const accessLines = (output: string): AccessLine[] =>
  logLines(output).filter(
    (line): line is AccessLine & Record<string, unknown> =>
      typeof line['res'] === 'object' && typeof line['responseTime'] === 'number',
  ) as AccessLine[];

/**
 * Asserts that the app logged exactly one access line for `requestId`, with `status`, and
 * returns it. The line is waited for, since the app's output arrives through a pipe.
 */
export async function expectOneAccessLine(
  app: RunningApp,
  requestId: string,
  status: number,
): Promise<AccessLine> {
  const of = () => accessLines(app.output()).filter((line) => line.req?.id === requestId);
  await eventually(
    `an access-log line for request ${requestId}`,
    async () => (of().length ? true : undefined),
    3_000,
  ).catch(() => undefined);
  const lines = of();
  expect(lines.map((line) => ({ id: line.req.id, status: line.res.statusCode }))).toEqual([
    { id: requestId, status },
  ]);
  return lines[0];
}
