import type { OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_HEADER } from './credit-bureau.config';

/** The name under which the OpenAPI document declares the bureau's API key. */
export const CREDIT_BUREAU_SECURITY_SCHEME = 'credit-bureau-api-key';

/**
 * Declares the API key scheme the credit report route refers to (`@ApiSecurity`), so that the
 * Swagger UI's "Authorize" sends it. For `ServiceDescription.documentExtension`.
 */
export const creditBureauDocumentation = {
  extend(document: OpenAPIObject): OpenAPIObject {
    return {
      ...document,
      components: {
        ...document.components,
        securitySchemes: {
          ...document.components?.securitySchemes,
          [CREDIT_BUREAU_SECURITY_SCHEME]: {
            type: 'apiKey',
            in: 'header',
            name: API_KEY_HEADER,
            description: 'The value of CREDIT_BUREAU_API_KEY (demo-bureau-key unless set)',
          },
        },
      },
    };
  },
};
