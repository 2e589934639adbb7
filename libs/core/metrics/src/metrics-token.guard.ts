import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { bearerIsOneOf } from '@libs/core/http';
import type { IncomingHttpHeaders } from 'node:http';
import { METRICS_TOKEN } from './metrics.config';

/** `GET /metrics` asks for METRICS_TOKEN as a bearer token when it is set, and for nothing when not. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly token: string;

  constructor(config: ConfigService) {
    this.token = config.getOrThrow<string>(METRICS_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.token) return true;
    const { headers } = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
    if (bearerIsOneOf(headers, [this.token])) return true;
    throw new UnauthorizedException(
      `Metrics need Authorization: Bearer <token>, the token being ${METRICS_TOKEN}`,
    );
  }
}
