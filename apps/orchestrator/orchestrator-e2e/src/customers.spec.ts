import type { ErrorEnvelopeDto } from '@libs/core/http';
import { demoModels, generateDemoModels, referenceOutput } from '@libs/reference/model-serving/testing';
import { unusedPortUrl } from '@libs/core/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningApp, startApp, stopApps } from './support/apps';
import { ADA_FEATURES, ADA_ROW, AS_OF, seedDemoDatabase } from './support/customers';
import { RECORD_HEADERS, startOrchestratorFor, type ExecutionRecord } from './support/engine';
import { getJson, postJson } from './support/http';

/**
 * The customer examples of config/domains/customers.yaml through the built apps: the database
 * (a SQLite file seeded by db-seed), the feature server over it, the model service running the
 * generated ONNX models, and the credit bureau.
 */
describe('the customer examples: database, feature server, model service and credit bureau', () => {
  let directory: string;
  let modelsDir: string;
  let featureServer: RunningApp;
  let modelService: RunningApp;
  let creditBureau: RunningApp;
  let orchestrator: RunningApp;
  let databaseUrl: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'customers-e2e-'));
    databaseUrl = `sqlite:${join(directory, 'main.sqlite')}`;
    modelsDir = generateDemoModels();
    const seeded = await seedDemoDatabase(databaseUrl);
    expect(seeded).toBe('database main (sqlite) is migrated: 4 customers');
    [featureServer, modelService, creditBureau] = await Promise.all([
      startApp('feature-server', { FEATURE_SERVER_DATABASE_URL: databaseUrl, FEATURE_SERVER_AS_OF: AS_OF }),
      startApp('model-service', { MODELS_DIR: modelsDir }),
      startApp('credit-bureau'),
    ]);
    orchestrator = await startOrchestratorFor(
      { url: await unusedPortUrl() },
      {
        DATABASE_URL: databaseUrl,
        FEATURE_SERVER_URL: featureServer.url,
        MODEL_SERVICE_URL: modelService.url,
        CREDIT_BUREAU_URL: creditBureau.url,
        TEXT_SERVICE_REQUIRED: 'false',
        TRANSCRIPTION_SERVICE_REQUIRED: 'false',
      },
    );
  }, 60_000);
  afterAll(async () => {
    await stopApps(orchestrator, featureServer, modelService, creditBureau);
    await Promise.all([directory, modelsDir].map((path) => rm(path, { recursive: true, force: true })));
  });

  it('reports the database, the feature server and the model service up in /health', async () => {
    const { status, body } = await getJson<{ details: Record<string, Record<string, unknown>> }>(
      `${orchestrator.url}/health`,
    );

    expect(status).toBe(200);
    expect(body.details['database']).toMatchObject({
      status: 'up',
      connections: { main: { type: 'sqlite', available: true } },
    });
    expect(body.details['feature-server']).toMatchObject({ status: 'up', url: featureServer.url });
    expect(body.details['model-service']).toMatchObject({ status: 'up', url: modelService.url });
  });

  describe('get_customer (database)', () => {
    it('answers the customer with their accounts, numbers as numbers and times in ISO 8601', async () => {
      const { status, body } = await getJson(`${orchestrator.url}/customers/cus-1001`);

      expect(status).toBe(200);
      const { customer_id: _sameAsId, created_at: customerSince, ...profile } = ADA_ROW;
      expect(body).toEqual({
        ...profile,
        customer_since: customerSince,
        accounts: [
          {
            id: 'acc-2001',
            kind: 'checking',
            currency: 'EUR',
            balance: 5230.75,
            opened_at: '2021-03-14T09:45:00.000Z',
          },
          {
            id: 'acc-2002',
            kind: 'savings',
            currency: 'EUR',
            balance: 18000,
            opened_at: '2021-06-01T10:00:00.000Z',
          },
        ],
      });
    });

    it('answers 404 naming the source for an unknown customer, and 400 for an invalid id', async () => {
      const missing = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/customers/cus-9999`);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('customer: no row for get_customer with customer_id = "cus-9999"');

      const invalid = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/customers/1001'%20OR%20'1'='1`);
      expect(invalid.status).toBe(400);
      expect(invalid.body.fields?.map(({ field }) => field)).toEqual(['customer_id']);
    });
  });

  describe('get_credit_score (the credit bureau, through the api adapter)', () => {
    it("answers the bureau's score and band", async () => {
      const { status, body } = await getJson(`${orchestrator.url}/customers/cus-1002/credit-score`);

      expect(status).toBe(200);
      expect(body).toEqual({
        customer_id: 'cus-1002',
        score: 748,
        band: 'very_good',
        reported_at: '2026-10-31T06:00:00.000Z',
      });
    });

    it("passes the bureau's 404 on, naming the source", async () => {
      const { status, body } = await getJson<ErrorEnvelopeDto>(
        `${orchestrator.url}/customers/cus-1999/credit-score`,
      );

      expect(status).toBe(404);
      expect(body.message).toMatch(/^report: /);
    });
  });

  describe('get_customer_features and get_features_batch (feast)', () => {
    it("answers the feature service's features of one customer", async () => {
      const { status, body } = await getJson(`${orchestrator.url}/customers/cus-1001/features`);

      expect(status).toBe(200);
      expect(body).toEqual(ADA_FEATURES);
    });

    it('looks several customers up in one call, in the order asked; an unknown one has nulls, its statuses traced', async () => {
      const { status, body } = await postJson<{
        customers: Record<string, unknown>[];
        _meta: { sources: ExecutionRecord['sources'] };
      }>(
        `${orchestrator.url}/customers/features?_trace=true`,
        { customer_ids: ['cus-1002', 'cus-9999', 'cus-1001'] },
        RECORD_HEADERS,
      );

      expect(status).toBe(200);
      expect(body.customers.map((row) => row['customer_id'])).toEqual(['cus-1002', 'cus-9999', 'cus-1001']);
      expect(body.customers[1]).toEqual({
        customer_id: 'cus-9999',
        customer_lifetime_value: null,
        purchase_frequency: null,
        days_since_last_purchase: null,
      });
      expect(body.customers[2]).toMatchObject({
        customer_lifetime_value: 440.89,
        days_since_last_purchase: 44,
      });
      const [features] = body._meta.sources;
      // A foreach of three lookups, made as one feature-server call.
      expect(features.params?.['foreach']).toHaveLength(3);
      expect(features).toMatchObject({
        name: 'features',
        attempts: 1,
        details: { statuses: { customer_lifetime_value: ['PRESENT', 'NOT_FOUND', 'PRESENT'] } },
      });
    });
  });

  describe('get_customer_360 (database + feast + credit bureau)', () => {
    it('answers every section, and its transform adds the total balance', async () => {
      const { status, headers, body } = await getJson<Record<string, unknown>>(
        `${orchestrator.url}/customers/cus-1001/360`,
      );

      expect(status).toBe(200);
      expect(headers.get('x-degraded-sources')).toBeNull();
      expect(body).toMatchObject({
        profile: { id: 'cus-1001', name: 'Ada Lovelace', segment: 'premium' },
        features: ADA_FEATURES,
        credit: { score: 812, band: 'exceptional' },
        total_balance: 23230.75,
      });
      expect(body['accounts']).toHaveLength(2);
      expect((body['recent_purchases'] as { occurred_at: string }[]).map((row) => row.occurred_at)).toEqual(
        [...(body['recent_purchases'] as { occurred_at: string }[])]
          .map((row) => row.occurred_at)
          .sort()
          .reverse(),
      );
    });
  });

  describe('score_credit_risk (database + feast + request → model)', () => {
    it("answers the model's probability of default, as the coefficients give it, and a decision", async () => {
      const { status, body } = await postJson<{ probability_of_default: number; decision: string }>(
        `${orchestrator.url}/customers/cus-1001/credit-risk`,
        { requested_amount: 2500 },
      );

      const [expected] = referenceOutput(demoModels.credit_risk, [440.89, 13.13, 44, 23230.75, 2500]);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        customer_id: 'cus-1001',
        requested_amount: 2500,
        inputs: {
          customer_lifetime_value: 440.89,
          purchase_frequency: 13.13,
          days_since_last_purchase: 44,
          total_balance: 23230.75,
        },
      });
      expect(body.probability_of_default).toBeCloseTo(expected, 6);
      expect(body.decision).toBe(expected < 0.2 ? 'approve' : expected < 0.5 ? 'review' : 'decline');
    });

    it('refuses a missing or non-positive amount with 400', async () => {
      const { status, body } = await postJson<ErrorEnvelopeDto>(
        `${orchestrator.url}/customers/cus-1001/credit-risk`,
        { requested_amount: -5 },
      );
      expect(status).toBe(400);
      expect(body.fields?.map(({ field }) => field)).toEqual(['requested_amount']);
    });
  });

  describe('the credit limit, written in code over score_credit_risk', () => {
    const decide = async (customer: string, amount: number) =>
      (
        await postJson<{ decision: string }>(`${orchestrator.url}/customers/${customer}/credit-risk`, {
          requested_amount: amount,
        })
      ).body.decision;

    it('finds the largest amount the YAML endpoint approves, as the coefficients give it', async () => {
      const { status, body } = await getJson<{
        credit_limit: number;
        probability_of_default: number;
        probes: number;
      }>(`${orchestrator.url}/composites/credit-limit/cus-1001`);

      // The largest multiple of 100 whose probability of default is below the YAML's approval threshold.
      let expected = 0;
      for (let amount = 100; amount <= 1_000_000; amount += 100) {
        const [probability] = referenceOutput(demoModels.credit_risk, [440.89, 13.13, 44, 23230.75, amount]);
        if (probability >= 0.2) break;
        expected = amount;
      }
      expect(status).toBe(200);
      expect(body).toMatchObject({
        customer_id: 'cus-1001',
        credit_limit: expected,
        precision: 100,
        decided_by: 'customers.score_credit_risk',
      });
      expect(body.probability_of_default).toBeLessThan(0.2);
      expect(body.probes).toBeLessThan(30);
      expect(await decide('cus-1001', body.credit_limit)).toBe('approve');
      expect(await decide('cus-1001', body.credit_limit + 100)).not.toBe('approve');
    });

    it('is one execution, composites.credit_limit: its record holds the sources of every probe', async () => {
      const answer = await getJson<{ probes: number }>(
        `${orchestrator.url}/composites/credit-limit/cus-1003`,
      );
      expect(answer.status).toBe(200);
      const executionId = answer.headers.get('x-execution-id');
      const { status, body: record } = await getJson<ExecutionRecord>(
        `${orchestrator.url}/executions/${executionId}`,
        RECORD_HEADERS,
      );

      expect(status).toBe(200);
      expect(record).toMatchObject({
        id: executionId,
        endpoint: 'composites.credit_limit',
        configVersion: answer.headers.get('x-config-version'),
        status: 'ok',
        statusCode: 200,
      });
      // Each probe is one run of customers.score_credit_risk: its four sources, each labelled with it.
      const probe = ['customer', 'balance', 'features', 'risk'];
      expect(record.sources.map(({ name }) => name)).toEqual(
        Array.from({ length: answer.body.probes }, () => probe).flat(),
      );
      expect(record.sources.every(({ endpoint }) => endpoint === 'customers.score_credit_risk')).toBe(true);
      const listed = await getJson<{ executions: ExecutionRecord[] }>(
        `${orchestrator.url}/executions?endpoint=composites.credit_limit`,
        RECORD_HEADERS,
      );
      expect(listed.body.executions.map(({ id }) => id)).toContain(executionId);
    });

    it("answers the YAML endpoint's own errors: 404 for an unknown customer, 400 for an invalid id", async () => {
      const unknown = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/composites/credit-limit/cus-9999`);
      expect(unknown).toMatchObject({ status: 404, body: { message: expect.stringMatching(/^customer: /) } });
      const invalid = await getJson<ErrorEnvelopeDto>(`${orchestrator.url}/composites/credit-limit/someone`);
      expect(invalid.status).toBe(400);
      expect(invalid.body.fields?.map(({ field }) => field)).toEqual(['customer_id']);
    });
  });

  describe('recommend_products (feast → model → database per product)', () => {
    it('answers the best-scored products with their details, best first, as many as asked', async () => {
      const { status, body } = await getJson<{
        customer_id: string;
        recommendations: { id: string; name: string; price: number; score: number }[];
      }>(`${orchestrator.url}/customers/cus-1001/recommendations?limit=2`);

      const scores = referenceOutput(demoModels.product_recommendation, [440.89, 13.13, 62.98, 44]);
      const best = (demoModels.product_recommendation.products ?? [])
        .map((id, i) => ({ id, score: scores[i] }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 2);
      expect(status).toBe(200);
      expect(body.customer_id).toBe('cus-1001');
      expect(body.recommendations.map(({ id }) => id)).toEqual(best.map(({ id }) => id));
      body.recommendations.forEach((product, i) => {
        expect(product).toMatchObject({ name: expect.any(String), price: expect.any(Number) });
        expect(product.score).toBeCloseTo(best[i].score, 6);
      });
    });
  });

  describe('when a backend is down', () => {
    let isolated: RunningApp;

    beforeAll(async () => {
      // The database and the bureau answer; the feature server and the model service do not.
      isolated = await startOrchestratorFor(
        { url: await unusedPortUrl() },
        { DATABASE_URL: databaseUrl, CREDIT_BUREAU_URL: creditBureau.url },
      );
    }, 30_000);
    afterAll(() => stopApps(isolated));

    it('answers 503 naming the source that is down: the feature server, then the model service', async () => {
      const risk = await getJson<ErrorEnvelopeDto>(`${isolated.url}/composites/credit-limit/cus-1001`);
      expect(risk.status).toBe(503);
      expect(risk.body.message).toMatch(/^features: /);

      const withFeatures = await startOrchestratorFor(
        { url: await unusedPortUrl() },
        { DATABASE_URL: databaseUrl, FEATURE_SERVER_URL: featureServer.url },
      );
      try {
        const { status, body } = await postJson<ErrorEnvelopeDto>(
          `${withFeatures.url}/customers/cus-1001/credit-risk`,
          {
            requested_amount: 100,
          },
        );
        expect(status).toBe(503);
        expect(body.message).toMatch(/^risk: .*unavailable/);
      } finally {
        await stopApps(withFeatures);
      }
    });

    it('answers the 360 view without the optional features when the feature server is down, flagged', async () => {
      const { status, headers, body } = await getJson<{ features: unknown; profile: { id: string } }>(
        `${isolated.url}/customers/cus-1001/360`,
      );

      expect(status).toBe(200);
      expect(headers.get('x-degraded-sources')).toBe('features');
      expect(body.features).toBeNull();
      expect(body.profile.id).toBe('cus-1001');
      const executionId = headers.get('x-execution-id');
      const record = await getJson<ExecutionRecord>(
        `${isolated.url}/executions/${executionId}`,
        RECORD_HEADERS,
      );
      expect(record.body).toMatchObject({ status: 'degraded', degraded: ['features'] });
    });
  });
});
