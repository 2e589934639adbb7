import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, downstreamFailures } from '@libs/core/http';
import type { Observable } from 'rxjs';
import { Caller, type CompositeCaller } from '@libs/orchestrator/composites';
import { ProductParamsDto } from '../product-snapshot/product-snapshot.dto';
import { ProductComposite } from './product.composite';

@ApiTags('composites')
@Controller('composites')
export class ProductController {
  constructor(private readonly composite: ProductComposite) {}

  @Get('product/:product_id')
  @ApiOperation({
    summary: 'A product, as the catalog has it (written in code)',
    description:
      'The same answer as GET /products/{product_id}, which is declared in YAML: one catalog call.',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @ApiErrorResponses({
    400: 'An invalid id',
    404: 'The catalog has no such product',
    ...downstreamFailures('catalog'),
  })
  product(@Param() params: ProductParamsDto, @Caller() caller: CompositeCaller): Observable<unknown> {
    return this.composite.run(params.product_id, caller);
  }
}
