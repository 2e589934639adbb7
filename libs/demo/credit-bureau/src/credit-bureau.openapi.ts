import { securitySchemeDocumentation } from '@libs/demo/support';
import { API_KEY_HEADER } from './credit-bureau.config';

/** The name under which the OpenAPI document declares the bureau's API key. */
export const CREDIT_BUREAU_SECURITY_SCHEME = 'credit-bureau-api-key';

/** Declares the API key the credit report route refers to (`@ApiSecurity`), for the Swagger UI. */
export const creditBureauDocumentation = securitySchemeDocumentation(CREDIT_BUREAU_SECURITY_SCHEME, {
  type: 'apiKey',
  in: 'header',
  name: API_KEY_HEADER,
  description: 'The value of CREDIT_BUREAU_API_KEY (demo-bureau-key unless set)',
});
