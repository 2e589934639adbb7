import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { downstreamHttpOptions } from '@libs/core/resilience';
import { AudioSourceAdapter } from './audio.adapter';
import { AudioClient } from './audio.client';
import { AudioHealthIndicator } from './audio.health';

/** The transcription service as a backend of the orchestrator: its client, its health and its source adapter. */
@Module({
  imports: [HttpModule.register(downstreamHttpOptions()), TerminusModule],
  providers: [AudioClient, AudioHealthIndicator, AudioSourceAdapter],
  exports: [AudioClient, AudioHealthIndicator, AudioSourceAdapter],
})
export class AudioModule {}
