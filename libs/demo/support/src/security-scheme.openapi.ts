import type { OpenAPIObject } from '@nestjs/swagger';

/** An OpenAPI security scheme, such as `{ type: 'http', scheme: 'bearer' }`. */
export type SecuritySchemeObject = NonNullable<
  NonNullable<OpenAPIObject['components']>['securitySchemes']
>[string];

/**
 * Declares the security scheme `name` that the routes refer to (`@ApiBearerAuth(name)`,
 * `@ApiSecurity(name)`), so that the Swagger UI's "Authorize" sends the secret. For
 * `ServiceDescription.documentExtension`.
 */
export function securitySchemeDocumentation(name: string, scheme: SecuritySchemeObject) {
  return {
    extend(document: OpenAPIObject): OpenAPIObject {
      return {
        ...document,
        components: {
          ...document.components,
          securitySchemes: { ...document.components?.securitySchemes, [name]: scheme },
        },
      };
    },
  };
}
