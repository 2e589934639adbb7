export { API_SOURCE_TYPE, ApiSourceAdapter } from './api.adapter';
export {
  API_METHODS,
  apiIntegrationSchema,
  apiIntegrationsFileSchema,
  apiSection,
  type ApiAuth,
  type ApiIntegration,
  type ApiIntegrations,
  type ApiMethod,
  type ApiOperation,
} from './api-integration.schema';
export { ApiModule } from './api.module';
