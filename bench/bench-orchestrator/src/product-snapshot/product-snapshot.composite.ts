import { Injectable } from '@nestjs/common';
import { API_SOURCE_TYPE, ApiSourceAdapter } from '@libs/orchestrator/backends/api';
import { Observable, forkJoin } from 'rxjs';
import { CompositeContext, type CompositeCaller } from '@libs/orchestrator/composites';
import type { ProductSnapshotDto } from './product-snapshot.dto';

/** How many of the latest reviews a snapshot holds; `catalog.product_snapshot` asks for as many. */
export const SNAPSHOT_REVIEWS = 3;

export interface ProductSnapshotQuery {
  productId: string;
  supplierId: string;
}

/**
 * A product, its supplier and its latest reviews, written by hand: the three catalog calls go
 * at once through the same `api` adapter, integration and deadline as the YAML endpoint
 * `catalog.product_snapshot`, which declares the same three independent sources; each run is
 * recorded as `composites.product_snapshot`, as that endpoint's requests are.
 */
@Injectable()
export class ProductSnapshotComposite {
  constructor(
    private readonly api: ApiSourceAdapter,
    private readonly context: CompositeContext,
  ) {}

  /**
   * Emits the snapshot once every call has answered. The first failure (a DownstreamError named
   * after its call: `product`, `supplier` or `reviews`) ends it and cancels the calls still in
   * flight; so do unsubscribing and the caller's signal.
   */
  run(
    { productId, supplierId }: ProductSnapshotQuery,
    caller: CompositeCaller,
  ): Observable<ProductSnapshotDto> {
    return this.context.run('product_snapshot', caller, ({ context }) => {
      const call = (source: string, operation: string, params: Record<string, unknown>) =>
        this.api.execute({ source, type: API_SOURCE_TYPE, operation, params, context });
      // The catalog's answers are passed on as they are, as the YAML endpoint passes them on.
      return forkJoin({
        product: call('product', 'catalog.get_product', { product_id: productId }),
        supplier: call('supplier', 'catalog.get_supplier', { supplier_id: supplierId }),
        reviews: call('reviews', 'catalog.list_reviews', { product_id: productId, limit: SNAPSHOT_REVIEWS }),
      }) as Observable<ProductSnapshotDto>;
    });
  }
}
