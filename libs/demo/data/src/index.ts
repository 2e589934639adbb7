export { DEMO_MIGRATIONS, DemoSchema1732300000000 } from './demo-schema.migration';
export {
  DEMO_ACCOUNTS,
  DEMO_CUSTOMERS,
  DEMO_PRODUCTS,
  DEMO_TRANSACTIONS,
  insertRows,
  migrateAndSeed,
} from './demo.seed';
