import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { delayMiddleware } from '@libs/demo/support';
import { type CatalogConfig, catalogConfig } from './catalog.config';
import { CatalogController } from './catalog.controller';
import { CatalogHealthController } from './catalog.health';
import { CatalogStore } from './catalog.store';

/**
 * The demo shop's catalog API, which the example configuration's `catalog` integration calls:
 * `GET /products/{id}`, `/products/{id}/reviews?limit=N`, `/suppliers/{id}`, `/stock/{sku}`
 * behind a bearer token, and `GET /health`.
 */
@Module({
  imports: [ConfigModule.forFeature(catalogConfig), TerminusModule],
  controllers: [CatalogController, CatalogHealthController],
  providers: [CatalogStore],
})
export class DemoCatalogModule implements NestModule {
  constructor(@Inject(catalogConfig.KEY) private readonly config: CatalogConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    // Middleware runs before the token guard, so refusals are as slow as answers; health is not held.
    consumer.apply(delayMiddleware(this.config.delayMs)).forRoutes(CatalogController);
  }
}
