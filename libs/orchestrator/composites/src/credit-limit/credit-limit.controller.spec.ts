import { Injectable, Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { DownstreamError, loggingModule } from '@libs/core/http';
import { SourceAdapterFor, type SourceAdapter, type SourceCall } from '@libs/core/sources';
import { startService, type RunningService } from '@libs/core/testing';
import {
  engineEnvironment,
  executionTrackingEnvironment,
  type ExecutionRecord,
} from '@libs/orchestrator/engine';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { map, throwError, timer } from 'rxjs';
import { CompositesModule } from '../composites.module';

/** The amount each customer is approved up to; cus-404 is unknown, the bureau is down for cus-2. */
const LIMITS: Record<string, number> = { 'cus-1': 2_500, 'cus-2': 700 };

/**
 * The backends of the `customers.score_credit_risk` below: `customer` finds a customer and the
 * amount they are approved up to, `bureau` a score (optional), `risk` a probability of default
 * under 0.2 up to that amount. Each answers after a few milliseconds, as a real one would.
 */
@Injectable()
@SourceAdapterFor('scoring')
class ScoringAdapter implements SourceAdapter {
  readonly type = 'scoring';

  execute({ source, operation, params }: SourceCall) {
    const customerId = String(params['customer_id']);
    if (operation === 'customer' && !(customerId in LIMITS)) {
      return throwError(
        () =>
          new DownstreamError(source, 'rejected', `${source}: no customer ${customerId}`, {
            downstreamStatus: 404,
          }),
      );
    }
    if (operation === 'bureau' && customerId === 'cus-2') {
      return throwError(() => new DownstreamError(source, 'unavailable', `${source}: the bureau is down`));
    }
    const answers: Record<string, () => unknown> = {
      customer: () => ({ id: customerId, limit: LIMITS[customerId] }),
      bureau: () => ({ score: 700 }),
      risk: () => ({ probability: Number(params['amount']) <= Number(params['limit']) ? 0.1 : 0.9 }),
    };
    return timer(2).pipe(map(() => answers[operation ?? '']()));
  }
}

@Module({ providers: [ScoringAdapter] })
class ScoringModule {}

const CUSTOMERS_YAML = `endpoints:
  score_credit_risk:
    path: /customers/{customer_id}/credit-risk
    request:
      customer_id: { in: path, type: string, pattern: '^cus-[0-9]+$' }
      requested_amount: { in: body, type: number, required: true, exclusiveMinimum: 0, maximum: 10000 }
    data_sources:
      - name: customer
        type: scoring
        operation: customer
        params: { customer_id: $request.customer_id }
      - name: bureau
        type: scoring
        operation: bureau
        params: { customer_id: $request.customer_id }
        optional: true
        default: null
      - name: risk
        type: scoring
        operation: risk
        params: { limit: $customer.limit, amount: $request.requested_amount }
    response_mapping:
      customer_id: $customer.id
      probability_of_default: $risk.probability
    transform: >-
      $merge([$, { 'decision': probability_of_default < 0.2 ? 'approve' : 'decline' }])
`;

const READ_TOKEN = 'credit-limit-spec-token';
const READ_HEADERS = { authorization: `Bearer ${READ_TOKEN}` };

interface CreditLimitBody {
  credit_limit: number;
  probes: number;
  _meta?: { execution_id: string; degraded: string[]; sources?: ExecutionRecord['sources'] };
}

/** A composite run through the real engine, its YAML endpoint served from a real directory. */
describe('GET /composites/credit-limit/:customer_id, recorded as one execution', () => {
  let directory: string;
  let service: RunningService;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, { headers });
  const recordOf = async (res: Response): Promise<ExecutionRecord> => {
    const executionId = res.headers.get('x-execution-id');
    expect(executionId).toMatch(/^[0-9a-f-]{36}$/);
    const found = await get(`/executions/${executionId}`, READ_HEADERS);
    expect(found.status).toBe(200);
    return (await found.json()) as ExecutionRecord;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'credit-limit-'));
    await mkdir(join(directory, 'domains'));
    await writeFile(join(directory, 'config.yaml'), 'settings: { request_deadline_ms: 5000 }\n');
    await writeFile(join(directory, 'domains/customers.yaml'), CUSTOMERS_YAML);
    service = await startService(
      async () => {
        @Module({
          imports: [
            configurationModule({ ...engineEnvironment, ...executionTrackingEnvironment }),
            loggingModule('credit-limit-test'),
            ScoringModule,
            CompositesModule,
          ],
        })
        class CreditLimitTestModule {}
        return CreditLimitTestModule;
      },
      { CONFIG_DIR: directory, CONFIG_WATCH: 'false', ORCHESTRATOR_READ_TOKEN: READ_TOKEN },
    );
  });
  afterAll(async () => {
    await service.app.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers the limit with X-Execution-Id; its one record holds the sources of every probe', async () => {
    const res = await get('/composites/credit-limit/cus-1', { 'x-request-id': 'credit-limit-1' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as CreditLimitBody;
    expect(body).toMatchObject({ credit_limit: 2_500, decided_by: 'customers.score_credit_risk' });
    expect(body._meta).toBeUndefined();
    expect(res.headers.get('x-config-version')).toMatch(/^[0-9a-f]{12}$/);

    const record = await recordOf(res);
    expect(record).toMatchObject({
      requestId: 'credit-limit-1',
      endpoint: 'composites.credit_limit',
      configVersion: res.headers.get('x-config-version'),
      status: 'ok',
      statusCode: 200,
      degraded: [],
      warnings: [],
    });
    expect(record.sources).toHaveLength(3 * body.probes);
    expect(new Set(record.sources.map(({ endpoint }) => endpoint))).toEqual(
      new Set(['customers.score_credit_risk']),
    );
    const amounts = record.sources
      .filter(({ name }) => name === 'risk')
      .map(({ params }) => params?.['amount']);
    // Doubling from 100 until refused, then halving the gap.
    expect(amounts.slice(0, 6)).toEqual([100, 200, 400, 800, 1600, 3200]);
    expect(amounts).toHaveLength(body.probes);
    expect(record.sources.every(({ status, attempts }) => status === 'ok' && attempts === 1)).toBe(true);

    const listed = await get('/executions?endpoint=composites.credit_limit', READ_HEADERS);
    const { executions } = (await listed.json()) as { executions: ExecutionRecord[] };
    expect(executions.map(({ id }) => id)).toContain(record.id);
  });

  it('says which source of which endpoint fell back, in the header, _meta and the record', async () => {
    const res = await get('/composites/credit-limit/cus-2');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-degraded-sources')).toBe('customers.score_credit_risk.bureau');
    const body = (await res.json()) as CreditLimitBody;
    expect(body).toMatchObject({
      credit_limit: 700,
      _meta: {
        execution_id: res.headers.get('x-execution-id'),
        degraded: ['customers.score_credit_risk.bureau'],
      },
    });

    const record = await recordOf(res);
    expect(record).toMatchObject({ status: 'degraded', degraded: ['customers.score_credit_risk.bureau'] });
    const bureau = record.sources.filter(({ name }) => name === 'bureau');
    expect(bureau).toHaveLength(body.probes);
    expect(bureau.every(({ status, error }) => status === 'degraded' && error?.statusCode === 503)).toBe(
      true,
    );
  });

  it('records a failed probe with the status the client is answered, and an invalid id with its 400', async () => {
    const unknown = await get('/composites/credit-limit/cus-404');
    expect(unknown.status).toBe(404);
    expect(await recordOf(unknown)).toMatchObject({
      endpoint: 'composites.credit_limit',
      status: 'failed',
      statusCode: 404,
      sources: [
        { endpoint: 'customers.score_credit_risk', name: 'customer', status: 'failed' },
        { endpoint: 'customers.score_credit_risk', name: 'bureau' },
        { endpoint: 'customers.score_credit_risk', name: 'risk', status: 'skipped' },
      ],
    });

    const invalid = await get('/composites/credit-limit/someone');
    expect(invalid.status).toBe(400);
    expect(await recordOf(invalid)).toMatchObject({ status: 'failed', statusCode: 400, sources: [] });
  });

  it('returns the trace inline with ?_trace=true under the read token, as a YAML endpoint does', async () => {
    const refused = await get('/composites/credit-limit/cus-1?_trace=true');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-execution-id')).toBeNull();

    const traced = await get('/composites/credit-limit/cus-1?_trace=true', READ_HEADERS);
    expect(traced.status).toBe(200);
    const body = (await traced.json()) as CreditLimitBody;
    const record = await recordOf(traced);
    expect(body._meta).toEqual({ execution_id: record.id, degraded: [], sources: record.sources });
  });
});
