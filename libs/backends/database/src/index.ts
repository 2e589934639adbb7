export { DATABASE_SOURCE_TYPE, DatabaseSourceAdapter } from './database.adapter';
export {
  DATABASE_TYPES,
  DEFAULT_MAX_ROWS,
  RESULT_SHAPES,
  databaseConfigurationSchema,
  parseDatabaseConfiguration,
  type DatabaseConfiguration,
  type DatabaseConnection,
  type DatabaseOperation,
  type DatabaseType,
  type ResultShape,
} from './database-configuration.schema';
export { DatabaseConnections } from './database.connections';
export { DatabaseModule } from './database.module';
export { DEMO_MIGRATIONS, DemoSchema1732300000000 } from './demo/demo-schema.migration';
export {
  DEMO_ACCOUNTS,
  DEMO_CUSTOMERS,
  DEMO_PRODUCTS,
  DEMO_TRANSACTIONS,
  migrateAndSeed,
} from './demo/demo.seed';
