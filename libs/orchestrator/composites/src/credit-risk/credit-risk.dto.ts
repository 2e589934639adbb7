import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsPositive, Matches, Max } from 'class-validator';

export const CREDIT_DECISIONS = ['approve', 'review', 'decline'] as const;
export type CreditDecision = (typeof CREDIT_DECISIONS)[number];

/** The customer ids `customers.score_credit_risk` accepts. */
const CUSTOMER_ID = /^cus-[0-9]{1,12}$/;
const MAX_REQUESTED_AMOUNT = 1_000_000;

export class CreditRiskParamsDto {
  @ApiProperty({ example: 'cus-1001', pattern: CUSTOMER_ID.source, description: "The customer's id" })
  @Matches(CUSTOMER_ID, { message: 'customer_id must look like cus-1001' })
  customer_id!: string;
}

export class CreditRiskRequestDto {
  @ApiProperty({
    example: 2500,
    exclusiveMinimum: true,
    minimum: 0,
    maximum: MAX_REQUESTED_AMOUNT,
    description: 'The loan asked for, in the account currency',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'requested_amount must be a number' })
  @IsPositive({ message: 'requested_amount must be more than 0' })
  @Max(MAX_REQUESTED_AMOUNT, { message: `requested_amount must be at most ${MAX_REQUESTED_AMOUNT}` })
  requested_amount!: number;
}

/** The model's inputs that came from the customer's data. */
export class CreditRiskInputsDto {
  @ApiProperty({ type: Number, nullable: true, example: 1520.3 })
  customer_lifetime_value!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 2.4, description: 'Purchases per 30 days' })
  purchase_frequency!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 12 })
  days_since_last_purchase!: number | null;

  @ApiProperty({ example: 23230.75, description: "The sum of the customer's account balances" })
  total_balance!: number;
}

/** The answer of `customers.score_credit_risk`, which this composite gives too. */
export class CreditRiskDto {
  @ApiProperty({ example: 'cus-1001' })
  customer_id!: string;

  @ApiProperty({ example: 2500 })
  requested_amount!: number;

  @ApiProperty({ example: 0.0731, minimum: 0, maximum: 1, description: 'From the credit_risk model' })
  probability_of_default!: number;

  @ApiProperty({ type: CreditRiskInputsDto })
  inputs!: CreditRiskInputsDto;

  @ApiProperty({
    enum: CREDIT_DECISIONS,
    description: 'approve below 0.2, review below 0.5, decline from 0.5',
  })
  decision!: CreditDecision;
}
