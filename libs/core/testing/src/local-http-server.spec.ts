import { request } from 'node:http';
import { LocalHttpServer, unusedPort, unusedPortUrl } from './local-http-server';

/** Why a fetch failed: the code of its cause, such as ECONNREFUSED. */
const refusal = (url: string) =>
  fetch(url).then(
    () => 'answered',
    (error: { cause?: { code?: string } }) => error.cause?.code,
  );

describe('LocalHttpServer', () => {
  it('answers with its handler at a loopback URL', async () => {
    const server = await new LocalHttpServer((req, res) =>
      res.writeHead(201).end(`${req.method} ${req.url}`),
    ).start();
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.port).toBeGreaterThan(0);
      const res = await fetch(`${server.url}/path?q=1`, { method: 'PUT' });
      expect(res.status).toBe(201);
      expect(await res.text()).toBe('PUT /path?q=1');
    } finally {
      await server.stop();
    }
  });

  it('has no URL before it is started', () => {
    expect(() => new LocalHttpServer(() => undefined).url).toThrow('not been started');
  });

  it('stops at once though a request is still open, and then refuses connections at the same URL', async () => {
    let received = false;
    const server = await new LocalHttpServer(() => (received = true)).start();
    const pending = new Promise<string>((resolve) =>
      request(server.url, { agent: false })
        .on('response', () => resolve('answered'))
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
        .end(),
    );
    while (!received) await new Promise((resolve) => setTimeout(resolve, 5));

    await server.stop();
    expect(await pending).toBe('ECONNRESET');
    expect(await refusal(server.url)).toBe('ECONNREFUSED');
  });
});

describe('unusedPortUrl and unusedPort', () => {
  it('give a loopback address where connections are refused', async () => {
    const url = await unusedPortUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await refusal(url)).toBe('ECONNREFUSED');
    expect(await refusal(`http://127.0.0.1:${await unusedPort()}`)).toBe('ECONNREFUSED');
  });
});
