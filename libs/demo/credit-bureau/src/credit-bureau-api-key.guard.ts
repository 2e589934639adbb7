import { apiKeyHeader, secretGuard } from '@libs/demo/support';
import { API_KEY_HEADER, creditBureauConfig } from './credit-bureau.config';

/** Lets a request through only with `X-API-Key: <CREDIT_BUREAU_API_KEY>`. */
export const CreditBureauApiKeyGuard = secretGuard(creditBureauConfig.KEY, apiKeyHeader(API_KEY_HEADER));
