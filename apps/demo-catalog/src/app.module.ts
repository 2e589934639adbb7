import { Module } from '@nestjs/common';
import { configurationModule, portVariable } from '@orchestrator/config';
import { DemoCatalogModule, catalogEnvironment } from '@orchestrator/demo-catalog';
import { loggingModule } from '@orchestrator/http';

export const CATALOG_API_PORT = 'CATALOG_API_PORT';

@Module({
  imports: [
    configurationModule({ [CATALOG_API_PORT]: portVariable(3010), ...catalogEnvironment }),
    loggingModule('demo-catalog'),
    DemoCatalogModule,
  ],
})
export class AppModule {}
