import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { MetricsRegistry } from './metrics.registry';

/**
 * A service's metrics: the registry and its instruments, subscribed to the observations the code
 * publishes, and `GET /metrics`. The HTTP server's own middleware (`requestMetrics`) is mounted by
 * the service's bootstrap, before any other (`ServiceDescription.requestMetrics`).
 */
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, MetricsTokenGuard],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
