import { commonEnvironment } from '@libs/core/config';
import { undocumentedVariables, startService, type RunningService } from '@libs/core/testing';
import { environment } from './environment';
import { ConfigService } from '@nestjs/config';
import { creditBureauDocumentation } from '@libs/demo/credit-bureau';

describe('credit-bureau over HTTP, with the default configuration', () => {
  let service: RunningService;

  beforeAll(async () => {
    // The defaults are what `config/integrations/credit-bureau.yaml` calls when nothing is set.
    for (const name of ['CREDIT_BUREAU_API_KEY', 'CREDIT_BUREAU_DELAY_MS', 'CREDIT_BUREAU_PORT']) {
      delete process.env[name];
    }
    service = await startService(
      async () => (await import('./app.module')).AppModule,
      {},
      { documentExtension: () => creditBureauDocumentation },
    );
  });
  afterAll(() => service.app.close());

  it('listens on port 3020 unless CREDIT_BUREAU_PORT says otherwise', () => {
    expect(service.app.get(ConfigService).get('CREDIT_BUREAU_PORT')).toBe(3020);
  });

  it('serves a credit report with the default API key, and only with it', async () => {
    const report = await fetch(`${service.url}/v1/credit-reports/cus-1002`, {
      headers: { 'x-api-key': 'demo-bureau-key' },
    });
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({ data: { customer_id: 'cus-1002', band: 'very_good' } });
    expect((await fetch(`${service.url}/v1/credit-reports/cus-1002`)).status).toBe(401);
  });

  it('reports its health and documents its API key', async () => {
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    const openApi = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      components: { securitySchemes?: Record<string, unknown> };
    };
    expect(Object.keys(openApi.components.securitySchemes ?? {})).toEqual(['credit-bureau-api-key']);
  });
});

describe('its environment', () => {
  it('is listed in .env.example, every variable with its default', () => {
    expect(undocumentedVariables({ ...commonEnvironment, ...environment })).toEqual([]);
  });
});
