import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import type { ExecutionRecord, ExecutionStatus, SourceStatus, SourceTrace } from '../model';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './execution.store';

// Records keyed by every status, so that a status added to the model cannot be left out here.
const EXECUTION_STATUS_MEANINGS: Record<ExecutionStatus, string> = {
  ok: 'every source answered',
  degraded: 'an optional source failed and its default was used',
  failed: 'the request failed',
};
const SOURCE_STATUS_MEANINGS: Record<SourceStatus, string> = {
  ok: 'answered',
  failed: 'failed',
  degraded: 'optional, failed: its default was used',
  skipped: 'not run, for example because its `when` condition was false',
};

const meanings = (statuses: Record<string, string>): string =>
  Object.entries(statuses)
    .map(([status, meaning]) => `\`${status}\`: ${meaning}`)
    .join('; ');

export const EXECUTION_STATUSES = Object.keys(EXECUTION_STATUS_MEANINGS) as ExecutionStatus[];
const SOURCE_STATUSES = Object.keys(SOURCE_STATUS_MEANINGS) as SourceStatus[];

/** The filters of `GET /executions`. */
export class ExecutionQueryDto {
  @ApiPropertyOptional({
    example: 'customers.get_customer_360',
    description: 'Only this endpoint, by its qualified name <domain>.<name> (a composite: composites.<name>)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  endpoint?: string;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES, description: meanings(EXECUTION_STATUS_MEANINGS) })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-01-31T09:00:00Z',
    description: 'Only executions started at or after this instant (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2025-01-31T10:00:00Z',
    description: 'Only executions started at or before this instant (ISO 8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIST_LIMIT)
  limit?: number;
}

export class SourceErrorDto {
  @ApiProperty({ example: 504 })
  statusCode!: number;

  @ApiProperty({ example: 'features did not answer within 800 ms', description: 'As the client was told' })
  message!: string;

  @ApiPropertyOptional({
    example: 'upstream connect error or disconnect/reset before headers',
    description: 'What the downstream said, cut short, every configured secret masked',
  })
  detail?: string;
}

/** What happened to one source during one execution. */
export class SourceTraceDto implements SourceTrace {
  @ApiPropertyOptional({
    example: 'customers.score_credit_risk',
    description: 'The endpoint the source belongs to, as <domain>.<name>; a composite runs several',
  })
  endpoint?: string;

  @ApiProperty({ example: 'profile' })
  name!: string;

  @ApiProperty({ example: 'database' })
  type!: string;

  @ApiPropertyOptional({ example: 'get_customer' })
  operation?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { customer_id: 'C-1042' },
    description: 'The resolved params; fields declared sensitive are redacted',
  })
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'date-time', description: 'Absent when the source never started' })
  startedAt?: string;

  @ApiPropertyOptional({ example: 21 })
  durationMs?: number;

  @ApiProperty({ example: 1, description: 'Calls made, retries included' })
  attempts!: number;

  @ApiProperty({ example: false })
  cacheHit!: boolean;

  @ApiProperty({ enum: SOURCE_STATUSES, description: meanings(SOURCE_STATUS_MEANINGS) })
  status!: SourceStatus;

  @ApiPropertyOptional({ type: SourceErrorDto })
  error?: SourceErrorDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { statuses: { customer_lifetime_value: 'PRESENT', days_since_last_purchase: 'NOT_FOUND' } },
    description: "What the source's backend reported beyond its result, such as feature statuses",
  })
  details?: Record<string, unknown>;
}

/** One execution of a declared endpoint, or of a composite written in code. */
export class ExecutionRecordDto implements ExecutionRecord {
  @ApiProperty({ example: '0f6c1d7e-5b0a-4c52-a3a4-1e9b2f3c4d5e', description: 'As in `X-Execution-Id`' })
  id!: string;

  @ApiProperty({ example: '1f0e2d4c-6a57-4d55-9d3b-2a7c7c1b9a10' })
  requestId!: string;

  @ApiProperty({
    example: 'customers.get_customer_360',
    description:
      'The endpoint, as <domain>.<name>; a composite is composites.<name> (composites.credit_limit)',
  })
  endpoint!: string;

  @ApiProperty({ example: '3b1f9c2a', description: 'The configuration the execution ran on' })
  configVersion!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ example: 42 })
  durationMs!: number;

  @ApiProperty({ enum: EXECUTION_STATUSES, description: meanings(EXECUTION_STATUS_MEANINGS) })
  status!: ExecutionStatus;

  @ApiProperty({ example: 200, description: 'The status the caller was answered with' })
  statusCode!: number;

  @ApiProperty({ type: [String], example: ['features'], description: 'Optional sources that fell back' })
  degraded!: string[];

  @ApiProperty({ type: [SourceTraceDto] })
  sources!: SourceTraceDto[];

  @ApiProperty({
    type: [String],
    example: ['id: $profile.customer_id found no value in the result of profile; it is null'],
    description: 'Mapped fields that found no value in a source that answered; they are null in the response',
  })
  warnings!: string[];

  @ApiPropertyOptional({
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description:
      'The OpenTelemetry trace the execution ran in, as in the `traceresponse` header; absent when the orchestrator is not traced',
  })
  traceId?: string;
}

export class ExecutionListDto {
  @ApiProperty({ type: [ExecutionRecordDto], description: 'Newest first' })
  executions!: ExecutionRecordDto[];
}
