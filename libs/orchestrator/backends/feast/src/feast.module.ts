import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { downstreamHttpOptions } from '@libs/core/resilience';
import { FeastSourceAdapter } from './feast.adapter';
import { FeastClient } from './feast.client';
import { FeastHealthIndicator } from './feast.health';

/** A Feast feature server as a backend of the orchestrator: its client, its health and its source adapter. */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions()), TerminusModule],
  providers: [FeastClient, FeastHealthIndicator, FeastSourceAdapter],
  exports: [FeastClient, FeastHealthIndicator, FeastSourceAdapter],
})
export class FeastModule {}
