export {
  LOG_LEVELS,
  commonEnvironment,
  configurationModule,
  portVariable,
  validateEnvironment,
  type EnvironmentSchema,
} from './environment';
