import type { ErrorEnvelopeDto } from '@libs/core/http';
import { unusedPortUrl } from '@libs/core/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunningApp, startApp, stopApps } from './support/apps';
import { ADA_FEATURES, ADA_ROW, AS_OF, seedDemoDatabase } from './support/customers';
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

  /** An endpoint of the seed's, for a customer: 200 and its answer, or fails naming the status. */
  const answerOf = async (domain: string, endpoint: string, customerId = 'cus-1001') => {
    const { status, body } = await getJson(
      `${orchestrator.url}/${domain}/${endpoint}?customer_id=${customerId}`,
    );
    expect({ status, body }).toEqual({ status: 200, body: expect.anything() });
    return body;
  };

  it('get_customer_360 combines the profile from the database with the features from the feature server', async () => {
    expect(await answerOf('seed-composite', 'get-customer-360')).toEqual({
      id: ADA_ROW.id,
      name: ADA_ROW.name,
      email: ADA_ROW.email,
      lifetime_value: ADA_FEATURES.customer_lifetime_value,
      purchase_frequency: ADA_FEATURES.purchase_frequency,
    });
  });

  it('get_customer_360 answers 404 naming the source for an unknown customer', async () => {
    const { status, body } = await getJson<ErrorEnvelopeDto>(
      `${orchestrator.url}/seed-composite/get-customer-360?customer_id=cus-9999`,
    );

    expect(status).toBe(404);
    expect(body.message).toBe('profile: no row for get_customer with customer_id = "cus-9999"');
  });

  it('get_customer answers the database row, customer_id among its columns', async () => {
    expect(await answerOf('seed-database', 'get-customer')).toEqual(ADA_ROW);
  });

  it('get_credit_score answers the credit bureau’s report, its operation named without the integration', async () => {
    expect(await answerOf('seed-api', 'get-credit-score')).toMatchObject({
      customer_id: 'cus-1001',
      score: 812,
      band: 'exceptional',
    });
  });

  it('get_customer_features answers the feature service that feast.yaml’s get_customer_features names', async () => {
    expect(await answerOf('seed-feast', 'get-customer-features')).toEqual(ADA_FEATURES);
  });
});
