import { timedFetch, type RunningService } from '@libs/core/testing';
import { startCreditBureau } from './credit-bureau.test-harness';

const DELAY_MS = 600;

describe('the credit bureau with CREDIT_BUREAU_DELAY_MS', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startCreditBureau({
      CREDIT_BUREAU_API_KEY: 'demo-bureau-key',
      CREDIT_BUREAU_DELAY_MS: String(DELAY_MS),
    });
  });
  afterAll(() => service.app.close());

  const timed = (path: string, apiKey: string | null = null) =>
    timedFetch(`${service.url}${path}`, { headers: apiKey === null ? {} : { 'x-api-key': apiKey } });

  it('holds every credit report answer, refusals included, for the delay', async () => {
    const answers = await Promise.all([
      timed('/v1/credit-reports/cus-1002', 'demo-bureau-key'),
      timed('/v1/credit-reports/cus-1002', 'wrong-key'),
      timed('/v1/credit-reports/bad-id', 'demo-bureau-key'),
      timed('/v1/credit-reports/cus-9999', 'demo-bureau-key'),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 400, 404]);
    for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
  });

  it('answers health at once', async () => {
    const health = await timed('/health');
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(DELAY_MS);
  });
});
