import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { downstreamHttpOptions } from '@orchestrator/resilience';
import { AudioClient } from './audio.client';
import { AudioHealthIndicator } from './audio.health';

/** The transcription service as a backend of the orchestrator: its client and its health. */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions()), TerminusModule],
  providers: [AudioClient, AudioHealthIndicator],
  exports: [AudioClient, AudioHealthIndicator],
})
export class AudioModule {}
