import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { downstreamHttpOptions } from '@orchestrator/resilience';
import { TextClient } from './text.client';
import { TextHealthIndicator } from './text.health';

/** The text-service as a backend of the orchestrator: its client and its health. */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions()), TerminusModule],
  providers: [TextClient, TextHealthIndicator],
  exports: [TextClient, TextHealthIndicator],
})
export class TextModule {}
