import { Module } from '@nestjs/common';
import { ApiModule } from '@libs/orchestrator/backends/api';
import { CompositesModule } from '@libs/orchestrator/composites';
import { ProductComposite } from './product.composite';
import { ProductController } from './product.controller';

/**
 * The hand-written twin of the YAML endpoint `catalog.get_product`: one catalog call, so that the
 * benchmark compares the engine with code doing the same work on its simplest route.
 */
@Module({
  imports: [ApiModule, CompositesModule],
  controllers: [ProductController],
  providers: [ProductComposite],
})
export class ProductModule {}
