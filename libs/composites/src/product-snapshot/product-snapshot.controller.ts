import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '@orchestrator/http';
import type { Observable } from 'rxjs';
import { Caller, type CompositeCaller } from '../composite-caller.decorator';
import { ProductSnapshotComposite } from './product-snapshot.composite';
import {
  ProductSnapshotDto,
  ProductSnapshotParamsDto,
  ProductSnapshotQueryDto,
} from './product-snapshot.dto';

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
  @ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description: 'An invalid id; every invalid field is listed',
  })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'The catalog has no such product or supplier' })
  @ApiBadGatewayResponse({
    type: ErrorEnvelopeDto,
    description: 'The catalog failed (5xx) or answered something unreadable',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorEnvelopeDto,
    description: 'The catalog is unreachable, or its circuit is open after repeated failures',
  })
  @ApiGatewayTimeoutResponse({ type: ErrorEnvelopeDto, description: 'The catalog did not answer in time' })
  productSnapshot(
    @Param() params: ProductSnapshotParamsDto,
    @Query() query: ProductSnapshotQueryDto,
    @Caller() caller: CompositeCaller,
  ): Observable<ProductSnapshotDto> {
    return this.snapshot.run({ productId: params.product_id, supplierId: query.supplier_id }, caller);
  }
}
