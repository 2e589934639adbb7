import { countHealthController } from '@libs/demo/support';
import { CatalogStore } from './catalog.store';

/** `GET /health`: open (no token) and never delayed, so that probes tell the truth. */
export const CatalogHealthController = countHealthController({
  indicator: 'catalog',
  summary: 'Up while the catalog is loaded; counts what it holds',
  store: CatalogStore,
  counts: (store: CatalogStore) => store.size,
  upWhile: 'products',
});
