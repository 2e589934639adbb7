export { countHealthController, type CountHealthOptions } from './count-health.controller';
export { delayMiddleware } from './delay.middleware';
export {
  secretAndDelayConfig,
  secretAndDelayEnvironment,
  type SecretAndDelayConfig,
  type SecretAndDelayVariables,
} from './secret-and-delay.config';
export { apiKeyHeader, bearerToken, secretGuard, type SecretScheme } from './secret.guard';
export { securitySchemeDocumentation, type SecuritySchemeObject } from './security-scheme.openapi';
