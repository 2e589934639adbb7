import { ApiProperty } from '@nestjs/swagger';
import { Matches, MaxLength } from 'class-validator';
import { CREDIT_BANDS, MAX_SCORE, MIN_SCORE, type CreditBand } from './credit-band';

export class CreditReportDto {
  @ApiProperty({ example: 'cus-1001' })
  customer_id!: string;

  @ApiProperty({ minimum: MIN_SCORE, maximum: MAX_SCORE, example: 812 })
  score!: number;

  @ApiProperty({
    enum: CREDIT_BANDS,
    example: 'exceptional',
    description: 'From the score: poor < 580 ≤ fair < 670 ≤ good < 740 ≤ very_good < 800 ≤ exceptional',
  })
  band!: CreditBand;

  @ApiProperty({ example: 5, description: 'Credit cards, loans and credit lines open now' })
  open_credit_lines!: number;

  @ApiProperty({ example: 0, description: 'Payments 30 or more days late in the last 24 months' })
  delinquencies_last_24m!: number;

  @ApiProperty({
    example: '2026-10-31T06:00:00.000Z',
    description: 'When the bureau last computed the report',
  })
  reported_at!: string;
}

/** Wrapped in `data`, as the integration's `response: data` expects. */
export class CreditReportResponseDto {
  @ApiProperty({ type: CreditReportDto })
  data!: CreditReportDto;
}

/** As long as the demo shop's `customers.id` column allows. */
const CUSTOMER_ID_MAX_LENGTH = 32;

/** A customer id as the demo shop writes them; anything else is a 400, not a 404. */
export class CustomerIdParamsDto {
  @ApiProperty({ example: 'cus-1001', pattern: '^cus-[0-9]+$', maxLength: CUSTOMER_ID_MAX_LENGTH })
  @MaxLength(CUSTOMER_ID_MAX_LENGTH)
  @Matches(/^cus-[0-9]+$/, { message: 'customer_id must look like cus-1001' })
  customer_id!: string;
}
