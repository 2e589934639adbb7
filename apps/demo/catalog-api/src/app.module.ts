import { Module } from '@nestjs/common';
import { configurationModule } from '@libs/core/config';
import { DemoCatalogModule } from '@libs/demo/catalog';
import { loggingModule } from '@libs/core/http';
import { environment } from './environment';

@Module({
  imports: [configurationModule(environment), loggingModule('catalog-api'), DemoCatalogModule],
})
export class AppModule {}
