import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOOPBACK = '127.0.0.1';

export const loopbackUrl = (port: number): string => `http://${LOOPBACK}:${port}`;

/**
 * A real HTTP server on a free loopback port, answering with `handler`: what specs use to play a
 * downstream service. Stand-ins extend it and keep only their own request handling.
 */
export class LocalHttpServer {
  private readonly server: Server;
  private listeningPort?: number;

  constructor(handler: RequestListener) {
    this.server = createServer(handler);
  }

  /** The port it was given; still known once stopped, so that a spec can call a closed port. */
  get port(): number {
    if (this.listeningPort === undefined) throw new Error('the server has not been started');
    return this.listeningPort;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return loopbackUrl(this.port);
  }

  async start(): Promise<this> {
    this.server.listen(0, LOOPBACK);
    await once(this.server, 'listening');
    this.listeningPort = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and drops open connections (keep-alive ones included) at once. */
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/** A loopback port where nothing listens: free a moment ago, so connections to it are refused. */
export async function unusedPort(): Promise<number> {
  const server = await new LocalHttpServer(() => undefined).start();
  await server.stop();
  return server.port;
}

/** `http://127.0.0.1:<port>` where nothing listens. */
export async function unusedPortUrl(): Promise<string> {
  return loopbackUrl(await unusedPort());
}
