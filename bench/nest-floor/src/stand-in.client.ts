import { Pool, type Dispatcher } from 'undici';

/**
 * The stand-in downstream as the floors reach it: one undici Pool (keep-alive, pipelining 1,
 * as many connections as the orchestrator's keep-alive agent allows), each answer parsed as JSON.
 */
export class StandInClient {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly catalogHeaders: Record<string, string>;

  constructor(url: string, catalogToken: string) {
    const base = new URL(url);
    this.pool = new Pool(base.origin, { connections: 256, pipelining: 1 });
    // Kept: …/delay/20 is the stand-in answering 20 ms late.
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.catalogHeaders = { accept: 'application/json', authorization: `Bearer ${catalogToken}` };
  }

  /** A catalog route's `data`. */
  async catalog<T>(path: string): Promise<T> {
    const answer = await this.send<{ data: T }>({ method: 'GET', path, headers: this.catalogHeaders });
    return answer.data;
  }

  /** The text service's analysis of `body`. */
  analyze(body: unknown): Promise<unknown> {
    return this.send({
      method: 'POST',
      path: '/analyze',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async send<T>(options: Dispatcher.RequestOptions): Promise<T> {
    const { statusCode, body } = await this.pool.request({
      ...options,
      path: `${this.prefix}${options.path}`,
    });
    if (statusCode < 200 || statusCode >= 300) {
      await body.dump();
      throw new Error(`the stand-in answered ${statusCode} to ${options.method} ${options.path}`);
    }
    return (await body.json()) as T;
  }
}
