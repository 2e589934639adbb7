import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AudioClient } from '@libs/orchestrator/backends/audio';
import { FeastClient } from '@libs/orchestrator/backends/feast';
import { ModelClient } from '@libs/orchestrator/backends/model';
import { TextClient } from '@libs/orchestrator/backends/text';
import { displayUrl, type DownstreamConfig } from '@libs/core/resilience';
import type { ConfigurationSummaryDto, DownstreamSettingsDto } from './health.dto';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';

/** What `/health` tells of the active configuration: enough to diagnose, never a secret. */
@Injectable()
export class ConfigurationSummary {
  readonly summary: ConfigurationSummaryDto;

  constructor(
    config: ConfigService,
    text: TextClient,
    audio: AudioClient,
    feast: FeastClient,
    model: ModelClient,
  ) {
    this.summary = {
      logLevel: config.getOrThrow<string>('LOG_LEVEL'),
      uploadMaxBytes: config.getOrThrow<number>(UPLOAD_MAX_BYTES),
      services: {
        'text-service': settingsOf(text.downstream.config),
        'transcription-service': {
          ...settingsOf(audio.downstream.config),
          healthPath: audio.healthPath,
          model: audio.model,
        },
        'feature-server': settingsOf(feast.downstream.config),
        'model-service': settingsOf(model.downstream.config),
      },
    };
  }
}

const settingsOf = ({
  url,
  required,
  responseMaxBytes,
  resilience,
}: DownstreamConfig): DownstreamSettingsDto => ({
  url: displayUrl(url),
  required,
  responseMaxBytes,
  ...resilience,
});
