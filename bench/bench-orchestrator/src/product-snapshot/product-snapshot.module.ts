import { Module } from '@nestjs/common';
import { ApiModule } from '@libs/orchestrator/backends/api';
import { CompositesModule } from '@libs/orchestrator/composites';
import { ProductSnapshotComposite } from './product-snapshot.composite';
import { ProductSnapshotController } from './product-snapshot.controller';

/**
 * The hand-written twin of the YAML endpoint `catalog.product_snapshot`: the same three catalog
 * calls at once, so that the benchmark compares the engine with code doing the same work.
 */
@Module({
  imports: [ApiModule, CompositesModule],
  controllers: [ProductSnapshotController],
  providers: [ProductSnapshotComposite],
})
export class ProductSnapshotModule {}
