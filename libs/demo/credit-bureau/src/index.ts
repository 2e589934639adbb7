export { type CreditBureauConfig, creditBureauConfig, creditBureauEnvironment } from './credit-bureau.config';
export { CREDIT_BUREAU_SECURITY_SCHEME, creditBureauDocumentation } from './credit-bureau.openapi';
export { DemoCreditBureauModule } from './demo-credit-bureau.module';
