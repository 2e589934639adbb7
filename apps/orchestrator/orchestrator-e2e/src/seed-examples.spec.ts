import type { ErrorEnvelopeDto } from '@libs/core/http';
import { unusedPortUrl } from '@libs/core/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunningApp, startApp, stopApps } from './support/apps';
import { ADA_FEATURES, AS_OF, seedDemoDatabase } from './support/customers';
import { ConfigurationCopy, startOrchestratorFor } from './support/engine';
import { getJson } from './support/http';

/**
 * The "Endpoint Configuration" section of the seed's README (shared/seeds/004_4d6990ee4dc930c2.txt,
 * lines 70 to 145), copied byte for byte.
 */
const SEED_SECTION = join(__dirname, 'fixtures', 'seed-endpoint-configuration.txt');

/**
 * The section's YAML blocks exactly as written, their three-space indentation included: YAML
 * reads an indented document as it is, so each block is a domain file unchanged.
 */
async function seedExamples(): Promise<string[]> {
  const text = await readFile(SEED_SECTION, 'utf8');
  return [...text.matchAll(/^ {3}```yaml\n([\s\S]*?)^ {3}```$/gm)].map(([, block]) => block);
}

/**
 * Each block has `endpoints:` at its top, so each is a domain of its own, named here after its
 * example; their endpoints share their names with the customers domain's, beside which they run.
 */
const SEED_DOMAINS = ['seed-database', 'seed-api', 'seed-feast', 'seed-composite'];

/**
 * The seed's four example endpoints, unchanged, added to the project's configuration (its
 * database.yaml, feast.yaml, integrations and domains) and served by the built orchestrator over
 * the real backends: the demo database seeded by db-seed, the demo feature server over it and
 * the demo credit bureau. Without a `request` block, the endpoints read `customer_id` from the
 * query.
 */
describe('the seed’s example endpoints, as written, against the real backends', () => {
  let config: ConfigurationCopy;
  let featureServer: RunningApp;
  let creditBureau: RunningApp;
  let orchestrator: RunningApp;

  beforeAll(async () => {
    const examples = await seedExamples();
    expect(examples).toHaveLength(SEED_DOMAINS.length);
    config = await ConfigurationCopy.create();
    await Promise.all(
      examples.map((block, index) => config.write(`domains/${SEED_DOMAINS[index]}.yaml`, block)),
    );
    const databaseUrl = `sqlite:${join(config.directory, 'main.sqlite')}`;
    await seedDemoDatabase(databaseUrl);
    [featureServer, creditBureau] = await Promise.all([
      startApp('feature-server', { FEATURE_SERVER_DATABASE_URL: databaseUrl, FEATURE_SERVER_AS_OF: AS_OF }),
      startApp('credit-bureau'),
    ]);
    orchestrator = await startOrchestratorFor(
      { url: await unusedPortUrl() },
      {
        CONFIG_DIR: config.directory,
        DATABASE_URL: databaseUrl,
        FEATURE_SERVER_URL: featureServer.url,
        CREDIT_BUREAU_URL: creditBureau.url,
        TEXT_SERVICE_REQUIRED: 'false',
        TRANSCRIPTION_SERVICE_REQUIRED: 'false',
        MODEL_SERVICE_REQUIRED: 'false',
      },
    );
  }, 60_000);
  afterAll(async () => {
    await stopApps(orchestrator, featureServer, creditBureau);
    await config?.remove();
  });

  const seedEndpoint = (domain: string, endpoint: string, customerId: string) =>
    `${orchestrator.url}/${domain}/${endpoint}?customer_id=${customerId}`;

  it('get_customer_360 combines the profile from the database with the features from the feature server', async () => {
    const { status, body } = await getJson(seedEndpoint('seed-composite', 'get-customer-360', 'cus-1001'));

    expect(status).toBe(200);
    expect(body).toEqual({
      id: 'cus-1001',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      lifetime_value: ADA_FEATURES.customer_lifetime_value,
      purchase_frequency: ADA_FEATURES.purchase_frequency,
    });
  });

  it('get_customer_360 answers 404 naming the source for an unknown customer', async () => {
    const { status, body } = await getJson<ErrorEnvelopeDto>(
      seedEndpoint('seed-composite', 'get-customer-360', 'cus-9999'),
    );

    expect(status).toBe(404);
    expect(body.message).toBe('profile: no row for get_customer with customer_id = "cus-9999"');
  });

  it('get_customer answers the database row, customer_id among its columns', async () => {
    const { status, body } = await getJson(seedEndpoint('seed-database', 'get-customer', 'cus-1001'));

    expect(status).toBe(200);
    expect(body).toEqual({
      id: 'cus-1001',
      customer_id: 'cus-1001',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      segment: 'premium',
      country: 'GB',
      created_at: '2021-03-14T09:30:00.000Z',
    });
  });

  it('get_credit_score answers the credit bureau’s report, its operation named without the integration', async () => {
    const { status, body } = await getJson(seedEndpoint('seed-api', 'get-credit-score', 'cus-1001'));

    expect(status).toBe(200);
    expect(body).toMatchObject({ customer_id: 'cus-1001', score: 812, band: 'exceptional' });
  });

  it('get_customer_features answers the feature service that feast.yaml’s get_customer_features names', async () => {
    const { status, body } = await getJson(seedEndpoint('seed-feast', 'get-customer-features', 'cus-1001'));

    expect(status).toBe(200);
    expect(body).toEqual(ADA_FEATURES);
  });
});
