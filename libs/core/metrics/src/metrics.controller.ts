import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '@libs/core/http';
import type { Response } from 'express';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsRegistry } from './metrics.registry';

/**
 * Prometheus' scrape target. Internal: Kong does not route it (tools/deploy/check-kong-routes.mjs
 * checks that it does not).
 */
@ApiTags('metrics')
@ApiBearerAuth()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'Metrics in the Prometheus text format',
    description:
      'HTTP server requests by route template, each YAML source call, circuit breakers, retries, ' +
      'configuration reloads, the execution store, and the process and Node metrics. Needs ' +
      '`Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The exposition (text/plain; version=0.0.4)', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'METRICS_TOKEN is set and was not sent' })
  async expose(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.expose();
  }
}
