export { type CatalogConfig, catalogConfig, catalogEnvironment } from './catalog.config';
export { CATALOG_SECURITY_SCHEME, catalogDocumentation } from './catalog.openapi';
export { DemoCatalogModule } from './demo-catalog.module';
