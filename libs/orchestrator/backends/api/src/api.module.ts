import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { downstreamHttpOptions } from '@libs/core/resilience';
import { ApiSourceAdapter } from './api.adapter';

/** External HTTP APIs as sources of YAML endpoints (`type: api`). */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions())],
  providers: [ApiSourceAdapter],
  exports: [ApiSourceAdapter],
})
export class ApiModule {}
