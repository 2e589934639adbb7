import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { HealthCheckResult, HealthCheckStatus } from '@nestjs/terminus';

/** One entry of a health report: the orchestrator itself or one downstream service. */
export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ example: 'http://text-service:3001', description: 'Downstream services' })
  url?: string;

  @ApiPropertyOptional({ description: 'Downstream services: whether the report fails while it is down' })
  required?: boolean;

  @ApiPropertyOptional({ description: 'Downstream services' })
  available?: boolean;

  @ApiPropertyOptional({ example: 3.2, description: 'Downstream services that answered' })
  responseTimeMs?: number;

  @ApiPropertyOptional({
    example: 'text-service is unavailable: connect ECONNREFUSED 127.0.0.1:3001',
    description: 'Downstream services that did not answer',
  })
  message?: string;

  @ApiPropertyOptional({ example: 3600, description: 'The orchestrator' })
  uptimeSeconds?: number;

  @ApiPropertyOptional({ example: 'v20.19.0', description: 'The orchestrator' })
  nodeVersion?: string;

  @ApiPropertyOptional({
    example: { rssBytes: 98_000_000, heapUsedBytes: 41_000_000, heapTotalBytes: 60_000_000 },
    description: 'The orchestrator',
  })
  memory?: Record<string, number>;
}

const indicators = (description: string) =>
  ApiProperty({
    description,
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(HealthIndicatorDto) },
  });

/** A Terminus health check result. */
@ApiExtraModels(HealthIndicatorDto)
export class HealthCheckResultDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status!: HealthCheckStatus;

  @indicators('The entries that are up')
  info?: HealthCheckResult['info'];

  @indicators('The entries that are down')
  error?: HealthCheckResult['error'];

  @indicators(
    'Every entry, by name: orchestrator, text-service, transcription-service, database, feature-server, model-service',
  )
  details!: HealthCheckResult['details'];
}

export class DownstreamSettingsDto {
  @ApiProperty({ example: 'http://***@text-service:3001', description: 'Credentials masked' })
  url!: string;
  @ApiProperty()
  required!: boolean;
  @ApiProperty({ example: 5000, description: 'One attempt' })
  timeoutMs!: number;
  @ApiPropertyOptional({ example: 10000, description: 'The whole call, retries and backoff included' })
  deadlineMs?: number;
  @ApiProperty({ example: 10485760, description: 'Largest answer read' })
  responseMaxBytes!: number;
  @ApiProperty({ example: 2, description: 'Applied to idempotent calls only' })
  retries!: number;
  @ApiProperty({ example: 100 })
  retryBaseDelayMs!: number;
  @ApiProperty({ example: 2000 })
  retryMaxDelayMs!: number;
  @ApiProperty({ example: 5, description: 'Consecutive failures that open the circuit' })
  breakerThreshold!: number;
  @ApiProperty({ example: 10000 })
  breakerResetMs!: number;
}

export class TranscriptionSettingsDto extends DownstreamSettingsDto {
  @ApiProperty({ example: '/health' })
  healthPath!: string;
  @ApiProperty({ example: 'whisper-1', description: 'The OpenAI `model` field sent' })
  model!: string;
}

export class DownstreamServicesSettingsDto {
  @ApiProperty({ type: DownstreamSettingsDto })
  'text-service'!: DownstreamSettingsDto;
  @ApiProperty({ type: TranscriptionSettingsDto })
  'transcription-service'!: TranscriptionSettingsDto;
  @ApiProperty({ type: DownstreamSettingsDto })
  'feature-server'!: DownstreamSettingsDto;
  @ApiProperty({ type: DownstreamSettingsDto })
  'model-service'!: DownstreamSettingsDto;
}

/** The active configuration, without secrets. */
export class ConfigurationSummaryDto {
  @ApiProperty({ example: 'info' })
  logLevel!: string;
  @ApiProperty({ example: 26_214_400, description: 'Largest audio file accepted' })
  uploadMaxBytes!: number;
  @ApiProperty({ type: DownstreamServicesSettingsDto })
  services!: DownstreamServicesSettingsDto;
}

export class HealthReportDto extends HealthCheckResultDto {
  @ApiProperty({ type: ConfigurationSummaryDto })
  configuration!: ConfigurationSummaryDto;
}
