import './tracing';
import { catalogDocumentation } from '@libs/demo/catalog';
import { bootstrapService } from '@libs/core/http';
import { AppModule } from './app.module';
import { CATALOG_API_PORT } from './environment';

void bootstrapService(AppModule, CATALOG_API_PORT, {
  title: 'catalog-api',
  description:
    "The demo shop's catalog API (products, suppliers, reviews, stock) that the example " +
    'configuration calls; every catalog route requires Authorization: Bearer <CATALOG_API_TOKEN>.',
  documentExtension: () => catalogDocumentation,
});
