import { securitySchemeDocumentation } from '@libs/demo/support';

/** The name under which the OpenAPI document declares the catalog's bearer token. */
export const CATALOG_SECURITY_SCHEME = 'catalog-token';

/** Declares the bearer token the catalog routes refer to (`@ApiBearerAuth`), for the Swagger UI. */
export const catalogDocumentation = securitySchemeDocumentation(CATALOG_SECURITY_SCHEME, {
  type: 'http',
  scheme: 'bearer',
  description: 'The value of CATALOG_API_TOKEN (demo-catalog-token unless set)',
});
