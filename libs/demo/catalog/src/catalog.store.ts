import { Injectable, NotFoundException } from '@nestjs/common';
import {
  DEFAULT_REVIEWS_LIMIT,
  type ProductDto,
  type ReviewDto,
  type StockDto,
  type SupplierDto,
} from './catalog.dto';
import { DEMO_CATALOG, type CatalogData } from './catalog.data';

const byKey = <T, K extends keyof T>(items: readonly T[], key: K): Map<T[K], T> =>
  new Map(items.map((item) => [item[key], item]));

/** The catalog, read-only and in memory. Unknown ids are a 404. */
@Injectable()
export class CatalogStore {
  private readonly products: Map<string, ProductDto>;
  private readonly suppliers: Map<string, SupplierDto>;
  private readonly stock: Map<string, StockDto>;
  /** Per product, newest first. */
  private readonly reviews = new Map<string, ReviewDto[]>();

  constructor() {
    const data: CatalogData = DEMO_CATALOG;
    this.products = byKey(data.products, 'id');
    this.suppliers = byKey(data.suppliers, 'id');
    this.stock = byKey(data.stock, 'sku');
    for (const review of [...data.reviews].sort((a, b) => b.created_at.localeCompare(a.created_at))) {
      this.reviews.set(review.product_id, [...(this.reviews.get(review.product_id) ?? []), review]);
    }
  }

  /** How many of each thing the catalog holds. */
  get size(): { products: number; suppliers: number; reviews: number; skus: number } {
    const reviews = [...this.reviews.values()].reduce((count, list) => count + list.length, 0);
    return { products: this.products.size, suppliers: this.suppliers.size, reviews, skus: this.stock.size };
  }

  product(id: string): ProductDto {
    return found(this.products.get(id), `product ${id}`);
  }

  supplier(id: string): SupplierDto {
    return found(this.suppliers.get(id), `supplier ${id}`);
  }

  /** A product's latest reviews, newest first; a product without reviews has an empty list. */
  reviewsOf(productId: string, limit = DEFAULT_REVIEWS_LIMIT): ReviewDto[] {
    this.product(productId);
    return (this.reviews.get(productId) ?? []).slice(0, limit);
  }

  stockOf(sku: string): StockDto {
    return found(this.stock.get(sku), `sku ${sku}`);
  }
}

function found<T>(item: T | undefined, what: string): T {
  if (item === undefined) throw new NotFoundException(`The catalog has no ${what}`);
  return item;
}
