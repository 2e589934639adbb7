import {
  Table,
  TableForeignKey,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

const timestampType = (runner: QueryRunner): string =>
  runner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';

const id: TableColumnOptions = { name: 'id', type: 'varchar', length: '32', isPrimary: true };
const money = (name: string): TableColumnOptions => ({ name, type: 'numeric', precision: 12, scale: 2 });

/** The demo shop's tables: customers with their accounts and transactions, and products. */
export class DemoSchema1732300000000 implements MigrationInterface {
  name = 'DemoSchema1732300000000';

  async up(runner: QueryRunner): Promise<void> {
    const timestamp = timestampType(runner);
    await runner.createTable(
      new Table({
        name: 'customers',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'email', type: 'varchar', length: '200', isUnique: true },
          { name: 'segment', type: 'varchar', length: '20' },
          { name: 'country', type: 'varchar', length: '2' },
          { name: 'created_at', type: timestamp },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'accounts',
        columns: [
          id,
          { name: 'customer_id', type: 'varchar', length: '32' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'currency', type: 'varchar', length: '3' },
          money('balance'),
          { name: 'opened_at', type: timestamp },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['customer_id'],
            referencedTableName: 'customers',
            referencedColumnNames: ['id'],
          }),
        ],
        indices: [{ columnNames: ['customer_id'] }],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'products',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '120' },
          { name: 'category', type: 'varchar', length: '40' },
          money('price'),
          { name: 'active', type: 'boolean' },
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'transactions',
        columns: [
          { name: 'id', type: 'bigint', isPrimary: true },
          { name: 'account_id', type: 'varchar', length: '32' },
          { name: 'product_id', type: 'varchar', length: '32', isNullable: true },
          money('amount'),
          { name: 'occurred_at', type: timestamp },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['account_id'],
            referencedTableName: 'accounts',
            referencedColumnNames: ['id'],
          }),
          new TableForeignKey({
            columnNames: ['product_id'],
            referencedTableName: 'products',
            referencedColumnNames: ['id'],
          }),
        ],
        indices: [{ columnNames: ['account_id'] }],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['transactions', 'products', 'accounts', 'customers']) await runner.dropTable(table);
  }
}

/** Every migration of the demo schema, in order: give them to the DataSource's `migrations`. */
export const DEMO_MIGRATIONS = [DemoSchema1732300000000];
