import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';
import { BackendHealthRegistry } from './backend-health.registry';
import type { ConfigurationSummaryDto, DownstreamServicesSettingsDto } from './health.dto';

/** What `/health` tells of the active configuration: enough to diagnose, never a secret. */
@Injectable()
export class ConfigurationSummary {
  private computed?: ConfigurationSummaryDto;

  constructor(
    private readonly config: ConfigService,
    private readonly backends: BackendHealthRegistry,
  ) {}

  /** Made on first use, once every backend's indicator is found; the settings do not change. */
  get summary(): ConfigurationSummaryDto {
    this.computed ??= {
      logLevel: this.config.getOrThrow<string>('LOG_LEVEL'),
      uploadMaxBytes: this.config.getOrThrow<number>(UPLOAD_MAX_BYTES),
      services: Object.fromEntries(
        this.backends.indicators.flatMap((indicator) => {
          const found = indicator.settings?.();
          return found ? [[found.service, found.settings]] : [];
        }),
      ) as unknown as DownstreamServicesSettingsDto,
    };
    return this.computed;
  }
}
