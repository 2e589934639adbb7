import type { OpenAPIObject } from '@nestjs/swagger';

/** The name under which the OpenAPI document declares the catalog's bearer token. */
export const CATALOG_SECURITY_SCHEME = 'catalog-token';

/**
 * Declares the bearer token scheme the catalog routes refer to (`@ApiBearerAuth`), so that the
 * Swagger UI's "Authorize" sends it. For `ServiceDescription.documentExtension`.
 */
export const catalogDocumentation = {
  extend(document: OpenAPIObject): OpenAPIObject {
    return {
      ...document,
      components: {
        ...document.components,
        securitySchemes: {
          ...document.components?.securitySchemes,
          [CATALOG_SECURITY_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description: 'The value of CATALOG_API_TOKEN (demo-catalog-token unless set)',
          },
        },
      },
    };
  },
};
