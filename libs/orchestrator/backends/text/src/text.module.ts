import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { downstreamHttpOptions } from '@libs/core/resilience';
import { TextSourceAdapter } from './text.adapter';
import { TextClient } from './text.client';
import { TextHealthIndicator } from './text.health';

/** The text-service as a backend of the orchestrator: its client, its health and its source adapter. */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions()), TerminusModule],
  providers: [TextClient, TextHealthIndicator, TextSourceAdapter],
  exports: [TextClient, TextHealthIndicator, TextSourceAdapter],
})
export class TextModule {}
