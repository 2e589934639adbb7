import { WORKSPACE_ROOT } from '@libs/core/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { apiIntegrationSchema } from '@libs/orchestrator/backends/api';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AppModule } from './app.module';
import { checkConfiguration } from './config-check.command';

describe('config:check', () => {
  let app: INestApplicationContext;
  let broken: string;

  beforeAll(async () => {
    // The example's integration reads its token from there, and an unset one is refused.
    process.env['CATALOG_API_TOKEN'] = 'example-token';
    process.env['CREDIT_BUREAU_API_KEY'] = 'example-key';
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
  });
  afterAll(async () => {
    delete process.env['CATALOG_API_TOKEN'];
    await app.close();
    await rm(broken, { recursive: true, force: true });
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

  it('publishes the api adapter’s own integration format, base_url aside', async () => {
    const published = JSON.parse(await readFile(join(WORKSPACE_ROOT, 'docs/config.schema.json'), 'utf8'));
    const integration = published.definitions.integration;
    const baseUrl = new RegExp(integration.properties.base_url.pattern);
    const expected = JSON.parse(JSON.stringify(apiIntegrationSchema));
    expected.properties.base_url.pattern = integration.properties.base_url.pattern;

    expect(integration).toEqual(expected);
    // Editors see `${CATALOG_API_URL:-http://…}` before the loader replaces it.
    for (const url of ['${CATALOG_API_URL:-http://127.0.0.1:3010}', 'https://crm.internal/api']) {
      expect(url).toMatch(baseUrl);
    }
    expect('crm.internal').not.toMatch(baseUrl);
  });
});
