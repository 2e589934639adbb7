export {
  LOG_LEVELS,
  commonEnvironment,
  configurationModule,
  portVariable,
  UPLOAD_MAX_BYTES,
  uploadEnvironment,
  validateEnvironment,
  type EnvironmentSchema,
} from './environment';
