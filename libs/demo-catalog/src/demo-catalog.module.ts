import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { catalogConfig } from './catalog.config';
import { CatalogController } from './catalog.controller';
import { CatalogDelayMiddleware } from './catalog-delay.middleware';
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
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CatalogDelayMiddleware).forRoutes(CatalogController);
  }
}
