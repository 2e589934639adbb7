import { Module } from '@nestjs/common';
import { OrchestratorModule } from '@libs/orchestrator/server';
import { ProductModule } from './product/product.module';
import { ProductSnapshotModule } from './product-snapshot/product-snapshot.module';

/** The orchestrator as it ships, plus the hand-written twins of YAML endpoints that `npm run bench` compares. */
@Module({ imports: [OrchestratorModule, ProductModule, ProductSnapshotModule] })
export class BenchOrchestratorModule {}
