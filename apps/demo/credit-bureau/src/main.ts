import './tracing';
import { creditBureauDocumentation } from '@libs/demo/credit-bureau';
import { bootstrapService } from '@libs/core/http';
import { AppModule } from './app.module';
import { CREDIT_BUREAU_PORT } from './environment';

void bootstrapService(AppModule, CREDIT_BUREAU_PORT, {
  title: 'credit-bureau',
  description:
    "A demo credit bureau: the demo customers' credit scores and bands, which the example " +
    'configuration calls as the credit_bureau integration; GET /v1/credit-reports/{customer_id} ' +
    'requires X-API-Key: <CREDIT_BUREAU_API_KEY>.',
  documentExtension: () => creditBureauDocumentation,
});
