import { Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { DemoCreditBureauModule } from '@libs/demo/credit-bureau';
import { loggingModule } from '@libs/core/http';
import { environment } from './environment';

@Module({
  imports: [configurationModule(environment), loggingModule('credit-bureau'), DemoCreditBureauModule],
})
export class AppModule {}
