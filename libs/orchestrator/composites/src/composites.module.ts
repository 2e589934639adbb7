import { Module } from '@nestjs/common';
import { EngineModule } from '@libs/orchestrator/engine';
import { CompositeContext } from './composite.context';
import { CreditLimitComposite } from './credit-limit/credit-limit.composite';
import { CreditLimitController } from './credit-limit/credit-limit.controller';

/**
 * Composite endpoints written in code, for flows that code expresses better than YAML. They run
 * YAML endpoints and source adapters through the engine, with its live configuration.
 */
@Module({
  imports: [EngineModule],
  controllers: [CreditLimitController],
  providers: [CompositeContext, CreditLimitComposite],
  exports: [CompositeContext],
})
export class CompositesModule {}
