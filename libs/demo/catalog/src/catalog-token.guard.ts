import { bearerToken, secretGuard } from '@libs/demo/support';
import { catalogConfig } from './catalog.config';

/** Lets a request through only with `Authorization: Bearer <CATALOG_API_TOKEN>`. */
export const CatalogTokenGuard = secretGuard(catalogConfig.KEY, bearerToken('catalog-api'));
