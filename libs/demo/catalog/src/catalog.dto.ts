import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_REVIEWS_LIMIT = 10;
export const MAX_REVIEWS_LIMIT = 50;

export class VariantDto {
  @ApiProperty({ example: 'LMP-OAK-WHT', description: 'Stock keeping unit: GET /stock/{sku}' })
  sku!: string;

  @ApiProperty({ example: 'White linen shade' })
  name!: string;
}

export class ProductDto {
  @ApiProperty({ example: 'prd-1001' })
  id!: string;

  @ApiProperty({ example: 'Oak Desk Lamp' })
  name!: string;

  @ApiProperty({ example: 'A solid oak desk lamp with a warm 2700 K LED and a linen shade.' })
  description!: string;

  @ApiProperty({ example: 'lighting' })
  category!: string;

  @ApiProperty({ example: 'sup-nordlys', description: 'GET /suppliers/{supplier_id}' })
  supplier_id!: string;

  @ApiProperty({ example: 89 })
  price!: number;

  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiProperty({ type: [VariantDto] })
  variants!: VariantDto[];
}

export class SupplierDto {
  @ApiProperty({ example: 'sup-nordlys' })
  id!: string;

  @ApiProperty({ example: 'Nordlys Lighting AB' })
  name!: string;

  @ApiProperty({ example: 'SE', description: 'ISO 3166-1 alpha-2' })
  country!: string;

  @ApiProperty({ example: 'orders@nordlys.example' })
  email!: string;

  @ApiProperty({ example: '+46 8 555 010 20' })
  phone!: string;

  @ApiProperty({ example: 6, description: 'Typical days from order to dispatch' })
  lead_time_days!: number;
}

export class ReviewDto {
  @ApiProperty({ example: 'rev-5001' })
  id!: string;

  @ApiProperty({ example: 'prd-1001' })
  product_id!: string;

  @ApiProperty({ example: 'Maria L.' })
  author!: string;

  @ApiProperty({ minimum: 1, maximum: 5, example: 5 })
  rating!: number;

  @ApiProperty({ example: 'Absolutely love this lamp. The warm light is perfect for reading.' })
  text!: string;

  @ApiProperty({ example: '2025-03-14T09:12:00Z' })
  created_at!: string;
}

export class StockDto {
  @ApiProperty({ example: 'LMP-OAK-WHT' })
  sku!: string;

  @ApiProperty({ example: 14, description: 'Units that can be sold now' })
  available!: number;
}

export class ReviewsQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_REVIEWS_LIMIT,
    default: DEFAULT_REVIEWS_LIMIT,
    description: 'How many reviews, newest first',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_REVIEWS_LIMIT)
  limit?: number;
}

// Every answer is wrapped in `data`, as the integration's `response: data` expects.

export class ProductResponseDto {
  @ApiProperty({ type: ProductDto })
  data!: ProductDto;
}

export class SupplierResponseDto {
  @ApiProperty({ type: SupplierDto })
  data!: SupplierDto;
}

export class ReviewsResponseDto {
  @ApiProperty({ type: [ReviewDto] })
  data!: ReviewDto[];
}

export class StockResponseDto {
  @ApiProperty({ type: StockDto })
  data!: StockDto;
}
