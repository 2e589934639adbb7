// References against what sources answer: a wrong database column is refused when the
// configuration loads (the real SQLite file, the statement prepared by the real adapter), and a
// field an api answer lacks, whose shape is known only at run time, is null with a warning.
import type { ErrorEnvelopeDto } from '@libs/core/http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from './support/apps';
import {
  startIsolatedOrchestrator,
  writeConfigDirectory,
  type ConfigDirectory,
} from './support/config-directory';
import { seedDemoDatabase } from './support/customers';
import {
  RECORD_HEADERS,
  configurationStatus,
  reloadConfiguration,
  type ExecutionRecord,
} from './support/engine';
import { getJson } from './support/http';
import { startStubServer, type StubServer } from './support/stub-server';

const PROFILES_DOMAIN = 'domains/profiles.yaml';

/** The domain file, with `field` as what the profile's `id` is mapped from. */
const profilesDomain = (field: string) =>
  [
    'endpoints:',
    '  get_profile:',
    '    path: /profiles/{customer_id}',
    '    request:',
    '      customer_id: { in: path }',
    '    data_sources:',
    '      - name: profile',
    '        type: database',
    '        operation: get_customer',
    '        params: { customer_id: $request.customer_id }',
    '    response_mapping:',
    `      id: $profile.${field}`,
    '      name: $profile.name',
    '  get_contact:',
    '    path: /contacts/{customer_id}',
    '    request:',
    '      customer_id: { in: path }',
    '    data_sources:',
    '      - name: contact',
    '        type: api',
    '        operation: crm.get_contact',
    '        params: { customer_id: $request.customer_id }',
    '    response_mapping:',
    '      id: $contact.customer_id',
    '      name: $contact.name',
    '',
  ].join('\n');

describe('references checked against what sources answer', () => {
  let data: string;
  let crm: StubServer;
  let config: ConfigDirectory;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'e2e-references-'));
    const databaseUrl = `sqlite:${join(data, 'main.sqlite')}`;
    await seedDemoDatabase(databaseUrl);
    // The CRM answers `id`, not the `customer_id` the endpoint maps, and declares no response_schema.
    crm = await startStubServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ id: request.url.split('/').pop(), name: 'Ada Lovelace' }));
    });
    config = await writeConfigDirectory({
      database: {
        connections: { main: { url: databaseUrl } },
        operations: {
          get_customer: {
            connection: 'main',
            sql: 'SELECT id, name, email FROM customers WHERE id = :customer_id',
            result: 'one',
          },
        },
      },
      integrations: {
        crm: { base_url: crm.url, operations: { get_contact: { path: '/contacts/{customer_id}' } } },
      },
    });
    await writeFile(join(config.directory, PROFILES_DOMAIN), profilesDomain('id'));
    orchestrator = await startIsolatedOrchestrator({ CONFIG_WATCH: 'false' }, config);
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await crm?.close();
    await config?.remove();
    await rm(data, { recursive: true, force: true });
  });

  it('loads columns the statement answers and serves them', async () => {
    const { status, body } = await getJson(`${orchestrator.url}/profiles/cus-1001`);

    expect(status).toBe(200);
    expect(body).toEqual({ id: 'cus-1001', name: 'Ada Lovelace' });
  });

  it('refuses a column the statement does not answer at its file:line:column, naming the columns there are', async () => {
    const before = (await configurationStatus(orchestrator)).version;
    const broken = profilesDomain('customer_id');
    const lines = broken.split('\n');
    const line = lines.findIndex((text) => text.includes('$profile.customer_id'));
    const location = `${PROFILES_DOMAIN}:${line + 1}:${lines[line].indexOf('$profile') + 1}`;
    await writeFile(join(config.directory, PROFILES_DOMAIN), broken);
    try {
      const { status, body } = await reloadConfiguration<ErrorEnvelopeDto>(orchestrator);

      expect(status).toBe(422);
      expect(body.message).toContain(
        `${location}: unknown field customer_id in "$profile.customer_id": the result of source profile has no field customer_id; its fields: id, name, email`,
      );
      expect((await configurationStatus(orchestrator)).version).toBe(before);
    } finally {
      await writeFile(join(config.directory, PROFILES_DOMAIN), profilesDomain('id'));
    }
  });

  it('answers a field an api answer lacks as null, named in _meta.warnings and in the execution record', async () => {
    const { status, headers, body } = await getJson<Record<string, unknown>>(
      `${orchestrator.url}/contacts/cus-1001`,
    );
    const warning = 'id: $contact.customer_id found no value in the result of contact; it is null';

    expect(status).toBe(200);
    expect(body).toEqual({
      id: null,
      name: 'Ada Lovelace',
      _meta: { execution_id: headers.get('x-execution-id'), degraded: [], warnings: [warning] },
    });
    const record = await getJson<ExecutionRecord>(
      `${orchestrator.url}/executions/${headers.get('x-execution-id')}`,
      RECORD_HEADERS,
    );
    expect(record.body).toMatchObject({ status: 'ok', warnings: [warning] });
  });
});
