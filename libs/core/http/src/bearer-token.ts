import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether `headers` carry `Authorization: Bearer <one of tokens>`. Compared as digests of equal
 * length, in constant time, so that timing reveals nothing.
 */
export function bearerIsOneOf(headers: IncomingHttpHeaders, tokens: readonly string[]): boolean {
  const given = digest(/^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1] ?? '');
  return tokens.map((token) => timingSafeEqual(given, digest(token))).includes(true);
}
