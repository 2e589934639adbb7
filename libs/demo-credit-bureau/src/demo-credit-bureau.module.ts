import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { CreditBureauController } from './credit-bureau.controller';
import { creditBureauConfig } from './credit-bureau.config';
import { CreditBureauDelayMiddleware } from './credit-bureau-delay.middleware';
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
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CreditBureauDelayMiddleware).forRoutes(CreditBureauController);
  }
}
