import { Injectable } from '@nestjs/common';
import { API_SOURCE_TYPE, ApiSourceAdapter } from '@libs/orchestrator/backends/api';
import type { Observable } from 'rxjs';
import { CompositeContext, type CompositeCaller } from '@libs/orchestrator/composites';

/**
 * A product, written by hand: one catalog call through the same `api` adapter, integration and
 * deadline as the YAML endpoint `catalog.get_product` (GET /products/{product_id}), recorded as
 * `composites.product`, as that endpoint's requests are.
 */
@Injectable()
export class ProductComposite {
  constructor(
    private readonly api: ApiSourceAdapter,
    private readonly context: CompositeContext,
  ) {}

  /** Emits the product as the catalog answers it; a failure is a DownstreamError named `product`. */
  run(productId: string, caller: CompositeCaller): Observable<Record<string, unknown>> {
    return this.context.run('product', caller, ({ context }) =>
      this.api.execute({
        source: 'product',
        type: API_SOURCE_TYPE,
        operation: 'catalog.get_product',
        params: { product_id: productId },
        context,
      }),
    ) as Observable<Record<string, unknown>>;
  }
}
