import { NotFoundException } from '@nestjs/common';
import { DEMO_CATALOG } from './catalog.data';
import { CatalogStore } from './catalog.store';

describe('CatalogStore over the demo data set', () => {
  const store = new CatalogStore();

  it('finds products, suppliers and stock by id', () => {
    expect(store.product('prd-1003')).toMatchObject({
      name: 'Pour-Over Coffee Kettle',
      supplier_id: 'sup-kettle',
    });
    expect(store.supplier('sup-alba')).toMatchObject({ name: 'Alba Ceramics S.L.', country: 'ES' });
    expect(store.stockOf('KTL-07-COPPER')).toEqual({ sku: 'KTL-07-COPPER', available: 3 });
  });

  it("lists a product's reviews newest first, at most `limit`, 10 by default", () => {
    const reviews = store.reviewsOf('prd-1004');
    expect(reviews.map((review) => review.id)).toEqual(['rev-5010', 'rev-5011', 'rev-5012']);
    expect(store.reviewsOf('prd-1004', 1).map((review) => review.id)).toEqual(['rev-5010']);
    expect(store.reviewsOf('prd-1004', 0)).toEqual([]);
    expect(store.reviewsOf('prd-1006')).toEqual([]);
  });

  it('throws a 404 for what it does not hold, naming it', () => {
    expect(() => store.product('prd-0')).toThrow(new NotFoundException('The catalog has no product prd-0'));
    expect(() => store.reviewsOf('prd-0')).toThrow(NotFoundException);
    expect(() => store.supplier('sup-hollow')).toThrow('The catalog has no supplier sup-hollow');
    expect(() => store.stockOf('NOPE')).toThrow('The catalog has no sku NOPE');
  });

  it('counts what it holds', () => {
    expect(store.size).toEqual({ products: 6, suppliers: 4, reviews: 14, skus: 12 });
  });
});

describe('the demo data set', () => {
  const { products, suppliers, reviews, stock } = DEMO_CATALOG;
  const ids = (items: readonly { id: string }[]) => items.map((item) => item.id);
  const skus = products.flatMap((product) => product.variants.map((variant) => variant.sku));

  it('has unique ids and skus that the example configuration can put in a path', () => {
    for (const list of [ids(products), ids(suppliers), ids(reviews), skus]) {
      expect(new Set(list).size).toBe(list.length);
      for (const id of list) expect(id).toMatch(/^[A-Za-z0-9-]+$/);
    }
  });

  it('has stock for every variant and nothing else, and one product sold out everywhere', () => {
    expect(stock.map((entry) => entry.sku).sort()).toEqual([...skus].sort());
    const soldOut = products.filter((product) =>
      product.variants.every((variant) => stock.find((entry) => entry.sku === variant.sku)?.available === 0),
    );
    expect(ids(soldOut)).toEqual(['prd-1005']);
  });

  it('links every product to a listed supplier but one, which shows a missing supplier', () => {
    const unlisted = products.filter((product) => !ids(suppliers).includes(product.supplier_id));
    expect(unlisted.map((product) => [product.id, product.supplier_id])).toEqual([
      ['prd-1006', 'sup-hollow'],
    ]);
  });

  it('has reviews of listed products only, rated 1 to 5, happy and unhappy ones', () => {
    for (const review of reviews) {
      expect(ids(products)).toContain(review.product_id);
      expect([1, 2, 3, 4, 5]).toContain(review.rating);
      expect(new Date(review.created_at).toISOString()).toBe(review.created_at.replace('Z', '.000Z'));
    }
    expect(reviews.filter((review) => review.rating >= 4).length).toBeGreaterThan(3);
    expect(reviews.filter((review) => review.rating <= 2).length).toBeGreaterThan(3);
  });
});
