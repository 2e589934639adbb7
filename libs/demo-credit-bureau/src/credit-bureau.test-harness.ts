import { Module } from '@nestjs/common';
import { configurationModule } from '@orchestrator/config';
import { loggingModule } from '@orchestrator/http';
import { startService, type RunningService } from '@orchestrator/testing';
import { creditBureauDocumentation } from './credit-bureau.openapi';

/**
 * Serves `DemoCreditBureauModule` alone over real HTTP, with its variables set to `env`. The
 * module is imported only once `env` is set, as `startService` requires.
 */
export function startCreditBureau(env: Record<string, string>): Promise<RunningService> {
  return startService(
    async () => {
      const { DemoCreditBureauModule } = await import('./demo-credit-bureau.module');
      const { creditBureauEnvironment } = await import('./credit-bureau.config');
      @Module({
        imports: [
          configurationModule(creditBureauEnvironment),
          loggingModule('credit-bureau'),
          DemoCreditBureauModule,
        ],
      })
      class CreditBureauUnderTest {}
      return CreditBureauUnderTest;
    },
    env,
    { documentExtension: () => creditBureauDocumentation },
  );
}

/** A GET with `X-API-Key: apiKey`, or without the header when `apiKey` is null. */
export function getWithApiKey(
  service: RunningService,
  path: string,
  apiKey: string | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${service.url}${path}`, {
    headers: { ...(apiKey === null ? {} : { 'x-api-key': apiKey }), ...headers },
  });
}
