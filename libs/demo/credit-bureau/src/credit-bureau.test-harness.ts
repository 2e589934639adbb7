import { startFeatureModule, type RunningService } from '@libs/core/testing';
import { creditBureauDocumentation } from './credit-bureau.openapi';

/** Serves `DemoCreditBureauModule` alone over real HTTP, with its variables set to `env`. */
export function startCreditBureau(env: Record<string, string>): Promise<RunningService> {
  return startFeatureModule(
    'credit-bureau',
    async () => ({
      module: (await import('./demo-credit-bureau.module')).DemoCreditBureauModule,
      environment: (await import('./credit-bureau.config')).creditBureauEnvironment,
    }),
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
