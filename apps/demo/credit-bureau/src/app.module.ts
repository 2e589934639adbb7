import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@libs/core/config';
import { DemoCreditBureauModule, creditBureauEnvironment } from '@libs/demo/credit-bureau';
import { loggingModule } from '@libs/core/http';

export const CREDIT_BUREAU_PORT = 'CREDIT_BUREAU_PORT';

@Module({
  imports: [
    configurationModule({ [CREDIT_BUREAU_PORT]: portVariable(3020), ...creditBureauEnvironment }),
    loggingModule('credit-bureau'),
    DemoCreditBureauModule,
  ],
})
export class AppModule {}
