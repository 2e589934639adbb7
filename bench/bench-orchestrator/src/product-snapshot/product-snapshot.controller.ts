import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, downstreamFailures } from '@libs/core/http';
import type { Observable } from 'rxjs';
import { Caller, type CompositeCaller } from '@libs/orchestrator/composites';
import { ProductSnapshotComposite } from './product-snapshot.composite';
import { ProductSnapshotDto, ProductParamsDto, ProductSnapshotQueryDto } from './product-snapshot.dto';

@ApiTags('composites')
@Controller('composites')
export class ProductSnapshotController {
  constructor(private readonly snapshot: ProductSnapshotComposite) {}

  @Get('product-snapshot/:product_id')
  @ApiOperation({
    summary: 'A product, its supplier and its latest reviews, fetched at once (written in code)',
    description:
      'The same answer as GET /catalog/product-snapshot/{product_id}, which is declared in YAML: ' +
      'the three catalog calls run concurrently, and the first that fails ends the request.',
  })
  @ApiOkResponse({ type: ProductSnapshotDto })
  @ApiErrorResponses({
    400: 'An invalid id; every invalid field is listed',
    404: 'The catalog has no such product or supplier',
    ...downstreamFailures('catalog'),
  })
  productSnapshot(
    @Param() params: ProductParamsDto,
    @Query() query: ProductSnapshotQueryDto,
    @Caller() caller: CompositeCaller,
  ): Observable<ProductSnapshotDto> {
    return this.snapshot.run({ productId: params.product_id, supplierId: query.supplier_id }, caller);
  }
}
