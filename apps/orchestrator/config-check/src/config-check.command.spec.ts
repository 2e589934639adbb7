import { WORKSPACE_ROOT, type RunningService } from '@libs/core/testing';
import { DEMO_MIGRATIONS, migrateAndSeed } from '@libs/demo/data';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { generateDemoModels, startModelService } from '@libs/reference/model-serving/testing';
import { DataSource } from 'typeorm';
import { createAjv } from '@libs/core/config';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { checkConfiguration } from './config-check.command';
import { publishedSchemaOf, writePublishedSchema } from './config-schema.command';

describe('config:check', () => {
  let app: INestApplicationContext;
  let broken: string;
  let shop: string;
  let modelsDir: string;
  let modelService: RunningService;

  // Seeding a database and starting the model service take more than jest's 5 s on a busy machine.
  beforeAll(async () => {
    // The example's integration reads its token from there, and an unset one is refused.
    process.env['CATALOG_API_TOKEN'] = 'example-token';
    process.env['CREDIT_BUREAU_API_KEY'] = 'example-key';
    // The example's references are checked against the demo database's columns and the demo
    // models' outputs, as the stack serves them.
    shop = await mkdtemp(join(tmpdir(), 'config-check-shop-'));
    const seeding = new DataSource({
      type: 'better-sqlite3',
      database: join(shop, 'main.sqlite'),
      migrations: DEMO_MIGRATIONS,
    });
    await seeding.initialize();
    await migrateAndSeed(seeding);
    await seeding.destroy();
    process.env['DATABASE_URL'] = `sqlite:${join(shop, 'main.sqlite')}`;
    modelsDir = generateDemoModels();
    modelService = await startModelService(modelsDir);
    process.env['MODEL_SERVICE_URL'] = modelService.url;
    // Imported once the environment is set: the module reads it as it is declared.
    const { AppModule } = await import('./app.module');
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    broken = await mkdtemp(join(tmpdir(), 'config-check-'));
    await mkdir(join(broken, 'domains'));
    await writeFile(
      join(broken, 'domains', 'customers.yaml'),
      [
        'endpoints:',
        '  get_customer:',
        '    data_sources:',
        '      - { name: profile, type: database, operation: get_customer }',
        '      - { name: summary, type: text, params: { text: $profile.bio } }',
        '      - { name: price, type: api, operation: pricing.get_price }',
        '    response_mapping: { summary: $summary, price: $price }',
        '',
      ].join('\n'),
    );
  }, 60_000);
  afterAll(async () => {
    for (const name of ['CATALOG_API_TOKEN', 'CREDIT_BUREAU_API_KEY', 'DATABASE_URL', 'MODEL_SERVICE_URL']) {
      delete process.env[name];
    }
    await app.close();
    await modelService.app.close();
    await Promise.all([broken, shop, modelsDir].map((path) => rm(path, { recursive: true, force: true })));
  });

  it('passes the repository’s example configuration against the real source types', async () => {
    const outcome = await checkConfiguration(app, 'config', WORKSPACE_ROOT);

    expect(outcome).toEqual({
      ok: true,
      lines: [
        expect.stringMatching(
          /^config: OK, 12 endpoints in 3 domains \(catalog, customers, feedback\), 2 integrations, version [0-9a-f]{12}$/,
        ),
      ],
    });
  });

  it('still passes when the database cannot be reached, saying once which sources it leaves unchecked', async () => {
    process.env['DATABASE_URL'] = `sqlite:${join(shop, 'absent.sqlite')}`;
    try {
      const { ok, lines } = await checkConfiguration(app, 'config', WORKSPACE_ROOT);

      expect(ok).toBe(true);
      expect(lines).toEqual([
        expect.stringMatching(
          /^warning: domains\/customers\.yaml:16:9: the fields of 9 sources \(get_customer\.customer, get_customer\.accounts, .*\) are not checked: their results’ shapes are unknown until they run \(database main is unavailable \(SQLITE_CANTOPEN\): no database file at .*absent\.sqlite\); a field they lack will be null in the answer, with a warning$/,
        ),
        expect.stringMatching(/^config: OK, /),
      ]);
    } finally {
      process.env['DATABASE_URL'] = `sqlite:${join(shop, 'main.sqlite')}`;
    }
  });

  it('refuses a reference to a column the operation’s statement does not answer, naming the columns', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'config-check-columns-'));
    try {
      await mkdir(join(directory, 'domains'));
      await writeFile(
        join(directory, 'database.yaml'),
        await readFile(join(WORKSPACE_ROOT, 'config', 'database.yaml'), 'utf8'),
      );
      await writeFile(
        join(directory, 'domains', 'customers.yaml'),
        [
          'endpoints:',
          '  get_customer:',
          '    request: { customer_id: { in: path } }',
          '    data_sources:',
          '      - { name: profile, type: database, operation: get_customer, params: { customer_id: $request.customer_id } }',
          '    response_mapping: { id: $profile.phone, name: $profile.name }',
          '',
        ].join('\n'),
      );
      const name = basename(directory);

      expect(await checkConfiguration(app, name, tmpdir())).toEqual({
        ok: false,
        lines: [
          `domains/customers.yaml:6:29: unknown field phone in "$profile.phone": the result of source profile has no field phone; its fields: id, customer_id, name, email, segment, country, created_at`,
          `${name}: 1 problem`,
        ],
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('lists every problem with the file named relative to the directory checked, then how many', async () => {
    const name = basename(broken);

    expect(await checkConfiguration(app, name, tmpdir())).toEqual({
      ok: false,
      lines: [
        'domains/customers.yaml:4:53: unknown operation get_customer; database.yaml declares none',
        'domains/customers.yaml:6:46: unknown integration pricing; integrations/ declares none',
        `${name}: 2 problems`,
      ],
    });
  });
});

describe('docs/config.schema.json', () => {
  const published = join(WORKSPACE_ROOT, 'docs', 'config.schema.json');
  let app: INestApplicationContext;

  beforeAll(async () => {
    const { AppModule } = await import('./app.module');
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  });
  afterAll(() => app.close());

  /** The committed schema as an editor reads it: the whole document, for any file of a directory. */
  const editorValidator = async () =>
    createAjv({ strict: false }).compile(JSON.parse(await readFile(published, 'utf8')));

  it('is what the registered source types publish (after changing a section: npm run config:schema)', async () => {
    expect((await lstat(published)).isFile()).toBe(true);
    expect(await readFile(published, 'utf8')).toBe(publishedSchemaOf(app));
  });

  it('is written by config:schema', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'config-schema-'));
    try {
      const file = join(directory, 'config.schema.json');
      expect(await writePublishedSchema(app, file)).toBe(
        `${file}: the configuration schema of source types api, audio, database, feast, model, text`,
      );
      expect(await readFile(file, 'utf8')).toBe(publishedSchemaOf(app));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('accepts every file of the example configuration, as an editor reads it, variables unreplaced', async () => {
    const validate = await editorValidator();
    const example = join(WORKSPACE_ROOT, 'config');
    const folders = await Promise.all(
      ['domains', 'integrations'].map(async (folder) =>
        (await readdir(join(example, folder))).map((name) => `${folder}/${name}`),
      ),
    );
    const files = ['config.yaml', 'database.yaml', 'feast.yaml', ...folders.flat()];

    expect(files).toEqual(expect.arrayContaining(['domains/catalog.yaml', 'integrations/catalog.yaml']));
    for (const file of files) {
      const valid = validate(parse(await readFile(join(example, file), 'utf8')));
      expect({ file, errors: validate.errors ?? [] }).toEqual({ file, errors: [] });
      expect(valid).toBe(true);
    }
  });

  it('refuses what the loader would refuse', async () => {
    const validate = await editorValidator();

    expect(validate({ endpoints: { get_customer: { data_sources: [{ name: 'profile' }] } } })).toBe(false);
    expect(validate({ endpoints: { get_customer: { data_sources: [], method: 'FETCH' } } })).toBe(false);
    expect(validate({ endpoints: { get: { data_sources: [{ name: 'a', type: 'fest' }] } } })).toBe(false);
    expect(validate({ settings: { request_deadline_ms: '30s' } })).toBe(false);
    expect(validate({ endpoint: {} })).toBe(false);
    expect(validate({ operations: { get: { connection: 'main', sql: 'SELECT 1', result: 'all' } } })).toBe(
      false,
    );
    expect(
      validate({ integrations: { crm: { base_url: 'crm.internal', operations: { get: { path: '/x' } } } } }),
    ).toBe(false);
    expect(
      validate({
        integrations: { crm: { base_url: '${CRM_URL:-http://crm}', operations: { get: { path: '/x' } } } },
      }),
    ).toBe(true);
  });
});
