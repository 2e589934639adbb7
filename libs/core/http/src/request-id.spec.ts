import type { IncomingMessage } from 'node:http';
import { resolveRequestId } from './request-id';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('resolveRequestId', () => {
  it('prefers X-Request-ID, then Kong-Request-ID', () => {
    expect(resolveRequestId(withHeaders({ 'x-request-id': 'abc', 'kong-request-id': 'kong' }))).toBe('abc');
    expect(resolveRequestId(withHeaders({ 'kong-request-id': 'kong-1#2' }))).not.toBe('kong-1#2');
    expect(resolveRequestId(withHeaders({ 'kong-request-id': 'f3c1-7a' }))).toBe('f3c1-7a');
  });

  it('generates a UUID when none is given or the given one is unsafe', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(resolveRequestId(withHeaders({}))).toMatch(uuid);
    expect(resolveRequestId(withHeaders({ 'x-request-id': 'a\nb' }))).toMatch(uuid);
    expect(resolveRequestId(withHeaders({ 'x-request-id': 'x'.repeat(500) }))).toMatch(uuid);
  });
});
