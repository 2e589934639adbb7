import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '@libs/core/http';
import {
  ProductResponseDto,
  ReviewsQueryDto,
  ReviewsResponseDto,
  StockResponseDto,
  SupplierResponseDto,
} from './catalog.dto';
import { CATALOG_SECURITY_SCHEME } from './catalog.openapi';
import { CatalogStore } from './catalog.store';
import { CatalogTokenGuard } from './catalog-token.guard';

/** The catalog API: every answer is `{ "data": … }`, every route requires the bearer token. */
@ApiTags('catalog')
@ApiBearerAuth(CATALOG_SECURITY_SCHEME)
@ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'No bearer token, or not the right one' })
@UseGuards(CatalogTokenGuard)
@Controller()
export class CatalogController {
  constructor(private readonly store: CatalogStore) {}

  @Get('products/:product_id')
  @ApiOperation({ summary: 'A product with its variants' })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'No such product' })
  product(@Param('product_id') productId: string): ProductResponseDto {
    return { data: this.store.product(productId) };
  }

  @Get('products/:product_id/reviews')
  @ApiOperation({ summary: "A product's latest reviews, newest first" })
  @ApiOkResponse({ type: ReviewsResponseDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'limit is not an integer from 0 to 50' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'No such product' })
  reviews(@Param('product_id') productId: string, @Query() query: ReviewsQueryDto): ReviewsResponseDto {
    return { data: this.store.reviewsOf(productId, query.limit) };
  }

  @Get('suppliers/:supplier_id')
  @ApiOperation({ summary: 'A supplier and its contact details' })
  @ApiOkResponse({ type: SupplierResponseDto })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'No such supplier' })
  supplier(@Param('supplier_id') supplierId: string): SupplierResponseDto {
    return { data: this.store.supplier(supplierId) };
  }

  @Get('stock/:sku')
  @ApiOperation({ summary: 'How many units of a variant can be sold now' })
  @ApiOkResponse({ type: StockResponseDto })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'No such sku' })
  stock(@Param('sku') sku: string): StockResponseDto {
    return { data: this.store.stockOf(sku) };
  }
}
