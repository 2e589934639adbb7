export { DATABASE_SOURCE_TYPE, DatabaseSourceAdapter } from './database.adapter';
export {
  DATABASE_TYPES,
  DEFAULT_MAX_ROWS,
  RESULT_SHAPES,
  databaseConfigurationSchema,
  databaseSection,
  type DatabaseConfiguration,
  type DatabaseConnection,
  type DatabaseOperation,
  type DatabaseType,
  type ResultShape,
} from './database-configuration.schema';
export { DATABASE_REQUIRED, databaseEnvironment } from './database.config';
export { DatabaseConnections, dataSourceOptions } from './database.connections';
export { DATABASE_HEALTH_KEY, DatabaseHealthIndicator } from './database.health';
export { DatabaseModule } from './database.module';
