import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@libs/core/config';
import { DemoCatalogModule, catalogEnvironment } from '@libs/demo/catalog';
import { loggingModule } from '@libs/core/http';

export const CATALOG_API_PORT = 'CATALOG_API_PORT';

@Module({
  imports: [
    configurationModule({ [CATALOG_API_PORT]: portVariable(3010), ...catalogEnvironment }),
    loggingModule('catalog-api'),
    DemoCatalogModule,
  ],
})
export class AppModule {}
