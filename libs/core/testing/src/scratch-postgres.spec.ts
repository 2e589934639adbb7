import { Client } from 'pg';
import { scratchPostgresDatabase } from './scratch-postgres';

describe('scratchPostgresDatabase', () => {
  it('creates a database of its own, and drops it even while a connection is open', async () => {
    const database = scratchPostgresDatabase('testing_scratch');
    await database.create();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const [{ current }] = (await client.query('SELECT current_database() AS current')).rows as {
      current: string;
    }[];
    expect(current).toBe(database.name);

    client.on('error', () => undefined); // the drop terminates this connection
    await database.drop();
    const other = new Client({ connectionString: database.url });
    await expect(other.connect()).rejects.toThrow(`database "${database.name}" does not exist`);
    await client.end().catch(() => undefined);
  });
});
