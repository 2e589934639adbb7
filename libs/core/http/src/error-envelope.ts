import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One invalid field of a request, as listed in a 400 envelope. */
export class FieldErrorDto {
  @ApiProperty({ example: 'text' })
  field!: string;

  @ApiProperty({ type: [String], example: ['text should not be empty'] })
  errors!: string[];
}

/**
 * The single JSON shape of every error the services return. Swagger documents it once and
 * every route references it, so clients parse one shape whatever failed.
 */
export class ErrorEnvelopeDto {
  @ApiProperty({ example: 503 })
  statusCode!: number;

  @ApiProperty({ example: 'Service Unavailable' })
  error!: string;

  @ApiProperty({ example: 'text-service is unavailable: connect ECONNREFUSED 127.0.0.1:3001' })
  message!: string;

  @ApiProperty({ example: '1f0e2d4c-6a57-4d55-9d3b-2a7c7c1b9a10' })
  requestId!: string;

  @ApiPropertyOptional({ description: 'The downstream service that failed', example: 'text-service' })
  source?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Invalid fields, for 400 responses' })
  fields?: FieldErrorDto[];
}

export type ErrorEnvelope = ErrorEnvelopeDto;
