import { Module } from '@nestjs/common';
import { ApiModule } from '@libs/orchestrator/backends/api';
import { DatabaseModule } from '@libs/orchestrator/backends/database';
import { FeastModule } from '@libs/orchestrator/backends/feast';
import { ModelModule } from '@libs/orchestrator/backends/model';
import { EngineModule } from '@libs/orchestrator/engine';
import { CompositeContext } from './composite.context';
import { CreditRiskComposite } from './credit-risk/credit-risk.composite';
import { CreditRiskController } from './credit-risk/credit-risk.controller';
import { ProductSnapshotComposite } from './product-snapshot/product-snapshot.composite';
import { ProductSnapshotController } from './product-snapshot/product-snapshot.controller';

/**
 * Composite endpoints written in code, for flows that are easier there than in YAML. They call
 * the same source adapters as the YAML endpoints, with the engine's live configuration.
 */
@Module({
  imports: [ApiModule, DatabaseModule, FeastModule, ModelModule, EngineModule],
  controllers: [ProductSnapshotController, CreditRiskController],
  providers: [CompositeContext, ProductSnapshotComposite, CreditRiskComposite],
  exports: [ProductSnapshotComposite, CreditRiskComposite],
})
export class CompositesModule {}
