import type { IncomingMessage } from 'node:http';

/** Whether the request's Content-Type is `mediaType`, parameters aside (body-parser's default test). */
export function hasMediaType(req: IncomingMessage, mediaType: string): boolean {
  const [type = ''] = (req.headers['content-type'] ?? '').split(';', 1);
  return type.trim().toLowerCase() === mediaType;
}
