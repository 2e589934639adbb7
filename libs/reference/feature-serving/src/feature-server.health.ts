import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { FeatureDatabase } from './feature-database';
import { FEATURE_VIEWS } from './feature-views';

const TABLES_READ = [...new Set(FEATURE_VIEWS.flatMap(({ tables }) => tables))];

/**
 * `GET /health`: up while every table the feature views read answers. A 503 keeps Terminus'
 * report, which says what failed, rather than the error envelope's bare message.
 */
@ApiTags('health')
@Controller('health')
export class FeatureServerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: FeatureDatabase,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Up while the database answers with every table the feature views read' })
  async check(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.health.check([() => this.databaseReadable()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }

  private async databaseReadable() {
    const indicator = this.indicators.check('database');
    try {
      await this.database.ping(TABLES_READ);
      return indicator.up({ tables: TABLES_READ });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
