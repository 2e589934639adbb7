import { Module } from '@nestjs/common';
import { ApiModule } from '@orchestrator/backends/api';
import { EngineModule } from '@orchestrator/engine';
import { ProductSnapshotComposite } from './product-snapshot/product-snapshot.composite';
import { ProductSnapshotController } from './product-snapshot/product-snapshot.controller';

/**
 * Composite endpoints written in code, for flows that are easier there than in YAML. They call
 * the same source adapters as the YAML endpoints, with the engine's live configuration.
 */
@Module({
  imports: [ApiModule, EngineModule],
  controllers: [ProductSnapshotController],
  providers: [ProductSnapshotComposite],
  exports: [ProductSnapshotComposite],
})
export class CompositesModule {}
