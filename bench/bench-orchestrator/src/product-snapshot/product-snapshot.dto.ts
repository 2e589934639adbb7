import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, Matches } from 'class-validator';

/** The catalog's ids, as the YAML endpoints `catalog.product_snapshot` and `catalog.get_product` declare them. */
const CATALOG_ID = /^[A-Za-z0-9-]+$/;
const CATALOG_ID_MESSAGE = (field: string) => `${field} must be letters, digits and dashes`;

/** The product of both twins: the snapshot's and the one-call product's (`/composites/product`). */
export class ProductParamsDto {
  @ApiProperty({ example: 'prd-1001', pattern: CATALOG_ID.source, description: "The product's id" })
  @Matches(CATALOG_ID, { message: CATALOG_ID_MESSAGE('product_id') })
  product_id!: string;
}

export class ProductSnapshotQueryDto {
  @ApiProperty({
    example: 'sup-nordlys',
    pattern: CATALOG_ID.source,
    description: "The supplier's id: given, so that the supplier is fetched alongside the product",
  })
  @IsNotEmpty({ message: 'supplier_id is required' })
  @Matches(CATALOG_ID, { message: CATALOG_ID_MESSAGE('supplier_id') })
  supplier_id!: string;
}

/** Passed on as the catalog answers them, as the YAML endpoint does. */
export class ProductSnapshotDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The product, as catalog.get_product answers it',
  })
  product!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The supplier, as catalog.get_supplier answers it',
  })
  supplier!: Record<string, unknown>;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: "The product's latest reviews, newest first, as catalog.list_reviews answers them",
  })
  reviews!: Record<string, unknown>[];
}
