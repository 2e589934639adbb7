import { LocalHttpServer } from '@libs/core/testing';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request the stand-in received, with when it arrived and how it ended (ms since the epoch). */
export interface CatalogRequest {
  requestId: string;
  path: string;
  arrivedAt: number;
  answeredAt?: number;
  /** Its connection closed before the answer was written. */
  abandoned: boolean;
}

export const STAND_IN_TOKEN = 'stand-in-token';

const PRODUCTS: Record<string, object> = {
  'prd-1': { id: 'prd-1', name: 'Walnut Shelf', supplier_id: 'sup-1', variants: [{ sku: 'SHF-1' }] },
};
const SUPPLIERS: Record<string, object> = {
  'sup-1': { id: 'sup-1', name: 'Tre Arkitekter', country: 'SE' },
};
const REVIEWS = [1, 2, 3, 4, 5].map((n) => ({
  id: `rev-${n}`,
  product_id: 'prd-1',
  rating: n,
  text: `review ${n}`,
}));

/**
 * The catalog API as the `catalog` integration calls it (`{ "data": … }` behind a bearer
 * token), holding every answer for `holdMs`, and recording when each request arrived and was
 * answered, so that a spec sees which calls overlapped and which were cancelled.
 */
export class StandInCatalog {
  readonly requests: CatalogRequest[] = [];
  holdMs = 100;
  private readonly server = new LocalHttpServer((req, res) => this.handle(req, res));

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The requests made on behalf of one orchestrator request, by its `X-Request-ID`. */
  requestsOf(requestId: string): CatalogRequest[] {
    return this.requests.filter((request) => request.requestId === requestId);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://catalog');
    const request: CatalogRequest = {
      requestId: String(req.headers['x-request-id']),
      path: url.pathname,
      arrivedAt: Date.now(),
      abandoned: false,
    };
    this.requests.push(request);
    const [status, body] = this.answer(url, req.headers.authorization);
    const timer = setTimeout(() => {
      request.answeredAt = Date.now();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, this.holdMs);
    res.once('close', () => {
      if (res.writableFinished) return;
      request.abandoned = true;
      clearTimeout(timer);
    });
  }

  private answer(url: URL, authorization: string | undefined): [number, unknown] {
    if (authorization !== `Bearer ${STAND_IN_TOKEN}`) return [401, { message: 'A bearer token is required' }];
    const [, collection, id, sub] = url.pathname.split('/');
    const found =
      collection === 'products' && sub === 'reviews'
        ? PRODUCTS[id] && REVIEWS.slice(0, Number(url.searchParams.get('limit') ?? REVIEWS.length))
        : collection === 'products' && sub === undefined
          ? PRODUCTS[id]
          : collection === 'suppliers' && sub === undefined
            ? SUPPLIERS[id]
            : undefined;
    return found ? [200, { data: found }] : [404, { message: `The catalog has no ${collection} ${id}` }];
  }
}

export const STAND_IN_DATA = { product: PRODUCTS['prd-1'], supplier: SUPPLIERS['sup-1'], reviews: REVIEWS };
