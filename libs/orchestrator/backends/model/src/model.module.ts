import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { downstreamHttpOptions } from '@libs/core/resilience';
import { ModelSourceAdapter } from './model.adapter';
import { ModelClient } from './model.client';
import { ModelHealthIndicator } from './model.health';

/** An Open Inference Protocol model server as a backend of the orchestrator: client, health and source adapter. */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions()), TerminusModule],
  providers: [ModelClient, ModelHealthIndicator, ModelSourceAdapter],
  exports: [ModelClient, ModelHealthIndicator, ModelSourceAdapter],
})
export class ModelModule {}
