import { LocalHttpServer } from './local-http-server';
import { timedFetch } from './timed-fetch';

describe('timedFetch', () => {
  it('gives the status and the time until the whole body was read', async () => {
    const server = await new LocalHttpServer((req, res) => {
      res.writeHead(req.headers['x-status'] === 'teapot' ? 418 : 200).write('first half');
      setTimeout(() => res.end(' and the rest'), 100);
    }).start();
    try {
      const answer = await timedFetch(server.url, { headers: { 'x-status': 'teapot' } });
      expect(answer.status).toBe(418);
      expect(answer.ms).toBeGreaterThanOrEqual(95);
    } finally {
      await server.stop();
    }
  });
});
