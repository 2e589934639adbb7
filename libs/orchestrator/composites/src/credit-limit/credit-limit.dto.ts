import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { TraceQueryDto } from '../trace-query.dto';

export class CreditLimitParamsDto {
  @ApiProperty({
    example: 'cus-1001',
    description: "The customer's id, as customers.score_credit_risk takes it (which checks it)",
  })
  @IsString()
  customer_id!: string;
}

export class CreditLimitQueryDto extends TraceQueryDto {
  @ApiProperty({
    required: false,
    default: 100,
    minimum: 1,
    maximum: 100_000,
    description: 'The limit is a multiple of this; a finer one asks more questions',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'precision must be a whole number' })
  @Min(1)
  @Max(100_000)
  precision?: number;
}

export class CreditLimitDto {
  @ApiProperty({ example: 'cus-1001' })
  customer_id!: string;

  @ApiProperty({ example: 6300, description: 'The largest amount approved (0: not even the first step)' })
  credit_limit!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.1987,
    description: 'The probability of default at the limit; null when nothing is approved',
  })
  probability_of_default!: number | null;

  @ApiProperty({ example: 100 })
  precision!: number;

  @ApiProperty({ example: 11, description: 'How many amounts the search asked about' })
  probes!: number;

  @ApiProperty({ example: 'customers.score_credit_risk', description: 'The YAML endpoint that decided' })
  decided_by!: string;
}
