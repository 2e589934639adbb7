import { Injectable } from '@nestjs/common';
import { ConfigurationState } from '@libs/orchestrator/engine';
import type { SourceCallContext } from '@libs/core/sources';
import { randomUUID } from 'node:crypto';
import type { CompositeCaller } from './composite-caller.decorator';

/** What a composite gives the adapters it calls, from the engine's live configuration. */
@Injectable()
export class CompositeContext {
  constructor(private readonly configuration: ConfigurationState) {}

  /**
   * The live configuration's sections and deadline, read once per run so that a reload never
   * changes a run in flight (a YAML request keeps its configuration too).
   */
  for({ requestId, signal }: CompositeCaller): SourceCallContext {
    const { snapshot } = this.configuration.current;
    return {
      requestId,
      executionId: randomUUID(),
      signal,
      deadline: Date.now() + snapshot.settings.requestDeadlineMs,
      sections: snapshot.sections,
    };
  }
}
