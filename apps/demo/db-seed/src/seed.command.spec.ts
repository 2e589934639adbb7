import { WORKSPACE_ROOT } from '@libs/core/testing';
import { DEMO_CUSTOMERS } from '@libs/demo/data';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoDatabase } from './seed.command';

describe('db-seed', () => {
  let directory: string;
  beforeAll(async () => (directory = await mkdtemp(join(tmpdir(), 'db-seed-'))));
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it("migrates and seeds the repository's own database.yaml where DATABASE_URL points", async () => {
    const file = join(directory, 'data', 'main.sqlite');

    expect(
      await seedDemoDatabase(join(WORKSPACE_ROOT, 'config'), 'main', { DATABASE_URL: `sqlite:${file}` }),
    ).toEqual({
      ok: true,
      line: `database main (sqlite) is migrated: ${DEMO_CUSTOMERS.length} customers`,
    });
    expect(existsSync(file)).toBe(true);
  });

  it('names what is wrong: no file, an unknown connection, an invalid file', async () => {
    expect(await seedDemoDatabase(directory, 'main', {})).toEqual({
      ok: false,
      line: `${directory} has no database.yaml`,
    });
    await writeFile(join(directory, 'database.yaml'), 'connections:\n  shop: { type: sqlite }\n');
    expect(await seedDemoDatabase(directory, 'main', {})).toEqual({
      ok: false,
      line: 'database.yaml declares no connection main (it declares shop)',
    });
    await writeFile(join(directory, 'database.yaml'), 'connections:\n  main: { url: "${NOWHERE}" }\n');
    expect(await seedDemoDatabase(directory, 'main', {})).toEqual({
      ok: false,
      line: expect.stringMatching(/^database\.yaml:2:\d+: environment variable NOWHERE is not set/),
    });
  });
});
