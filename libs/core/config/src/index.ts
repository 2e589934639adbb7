export {
  LOG_LEVELS,
  commonEnvironment,
  configurationModule,
  portVariable,
  REQUEST_BODY_MAX_BYTES,
  UPLOAD_MAX_BYTES,
  uploadEnvironment,
  validateEnvironment,
  type EnvironmentSchema,
} from './environment';
export { createAjv } from './json-schema';
