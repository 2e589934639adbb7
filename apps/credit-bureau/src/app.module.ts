import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@orchestrator/config';
import { DemoCreditBureauModule, creditBureauEnvironment } from '@orchestrator/demo-credit-bureau';
import { loggingModule } from '@orchestrator/http';

export const CREDIT_BUREAU_PORT = 'CREDIT_BUREAU_PORT';

@Module({
  imports: [
    configurationModule({ [CREDIT_BUREAU_PORT]: portVariable(3020), ...creditBureauEnvironment }),
    loggingModule('credit-bureau'),
    DemoCreditBureauModule,
  ],
})
export class AppModule {}
