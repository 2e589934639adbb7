import {
  BeforeApplicationShutdown,
  Controller,
  Get,
  HttpStatus,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ConfigService } from '@nestjs/config';
import { shutdownSignalled } from '@libs/core/http';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendHealthRegistry } from './backend-health.registry';
import { ConfigurationSummary } from './configuration.summary';
import { HealthCheckResultDto, HealthReportDto } from './health.dto';

/**
 * The orchestrator's health: `/health` for people (every service, and the configuration),
 * `/health/live` and `/health/ready` for Kubernetes probes.
 */
@ApiTags('health')
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;
  private readonly drainMs: number;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly backends: BackendHealthRegistry,
    private readonly configuration: ConfigurationSummary,
    config: ConfigService,
  ) {
    this.drainMs = config.getOrThrow<number>('SHUTDOWN_DRAIN_MS');
  }

  @Get()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'The orchestrator, every downstream service, and the active configuration' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every required downstream service is up' })
  @ApiServiceUnavailableResponse({
    type: HealthReportDto,
    description: 'A required downstream service is down: the same report',
  })
  async report(@Res({ passthrough: true }) res: Response): Promise<HealthReportDto> {
    const result = await this.check(res, [() => this.orchestrator(), ...this.downstreamChecks()]);
    return { ...result, configuration: this.configuration.summary };
  }

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Up whenever the process serves requests; checks no downstream service' })
  @ApiOkResponse({ type: HealthCheckResultDto })
  live(): HealthCheckResult {
    const orchestrator = this.orchestrator();
    return { status: 'ok', info: orchestrator, error: {}, details: orchestrator };
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Ready to take traffic: required downstream services up and not shutting down' })
  @ApiOkResponse({ type: HealthCheckResultDto })
  @ApiServiceUnavailableResponse({
    type: HealthCheckResultDto,
    description: 'A required downstream service is down, or the orchestrator is shutting down',
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    if (this.shuttingDown || shutdownSignalled()) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down', info: {}, error: {}, details: {} };
    }
    return this.check(res, this.downstreamChecks());
  }

  /**
   * From here on, readiness fails. After a signal (SIGTERM), the server keeps taking requests for
   * SHUTDOWN_DRAIN_MS first, so that a load balancer polling readiness sees the 503 and stops
   * routing here before the listener closes; then in-flight requests finish.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    if (signal) await sleep(this.drainMs);
  }

  /** Runs the checks and sets the status; the body is Terminus's result either way, never the error envelope. */
  private async check(res: Response, checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      // Terminus reports a failed check as a 503 exception that carries the whole result.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse() as HealthCheckResult;
    }
  }

  /** Every backend the orchestrator depends on; those not required report without failing. */
  private downstreamChecks(): HealthIndicatorFunction[] {
    return this.backends.indicators.map((indicator) => () => indicator.check());
  }

  private orchestrator(): HealthIndicatorResult {
    const { rss, heapUsed, heapTotal } = process.memoryUsage();
    return this.indicators.check('orchestrator').up({
      uptimeSeconds: Math.round(process.uptime()),
      nodeVersion: process.version,
      memory: { rssBytes: rss, heapUsedBytes: heapUsed, heapTotalBytes: heapTotal },
    });
  }
}
