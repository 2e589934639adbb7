import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { delayMiddleware } from '@libs/demo/support';
import { CreditBureauController } from './credit-bureau.controller';
import { type CreditBureauConfig, creditBureauConfig } from './credit-bureau.config';
import { CreditBureauHealthController } from './credit-bureau.health';
import { CreditReportStore } from './credit-report.store';

/**
 * A demo credit bureau, the external API that the `credit_bureau` integration calls:
 * `GET /v1/credit-reports/{customer_id}` behind an `X-API-Key` header, and `GET /health`.
 */
@Module({
  imports: [ConfigModule.forFeature(creditBureauConfig), TerminusModule],
  controllers: [CreditBureauController, CreditBureauHealthController],
  providers: [CreditReportStore],
})
export class DemoCreditBureauModule implements NestModule {
  constructor(@Inject(creditBureauConfig.KEY) private readonly config: CreditBureauConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    // Middleware runs before the API key guard, so refusals are as slow as answers; health is not held.
    consumer.apply(delayMiddleware(this.config.delayMs)).forRoutes(CreditBureauController);
  }
}
