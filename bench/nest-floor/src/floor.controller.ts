import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { StandInClient } from './stand-in.client';

/**
 * The orchestrator's three benchmarked routes, with nothing but what Nest and Express do to a
 * request: no validation, no logging, no interceptors. Their answers equal the orchestrator's.
 */
@Controller()
export class FloorController {
  constructor(private readonly standIn: StandInClient) {}

  /** Passed through to the text service. */
  @Post('analyze-text')
  @HttpCode(HttpStatus.OK)
  analyzeText(@Body() body: unknown): Promise<unknown> {
    return this.standIn.analyze(body);
  }

  /** One catalog call. */
  @Get('products/:id')
  product(@Param('id') id: string): Promise<unknown> {
    return this.standIn.catalog(`/products/${encodeURIComponent(id)}`);
  }

  /** Three catalog calls at once. */
  @Get('catalog/product-snapshot/:id')
  async productSnapshot(@Param('id') id: string, @Query('supplier_id') supplierId: string): Promise<unknown> {
    const productPath = `/products/${encodeURIComponent(id)}`;
    const [product, supplier, reviews] = await Promise.all([
      this.standIn.catalog(productPath),
      this.standIn.catalog(`/suppliers/${encodeURIComponent(supplierId)}`),
      this.standIn.catalog(`${productPath}/reviews?limit=3`),
    ]);
    return { product, supplier, reviews };
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}
