// Support for this library's specs: the health routes over real HTTP, with the downstream
// services played by local HTTP servers (StandInService).
import { uploadEnvironment, configurationModule } from '@libs/core/config';
import { loggingModule } from '@libs/core/http';
import { startService, type RunningService } from '@libs/core/testing';
import { AudioModule, audioEnvironment } from '@libs/orchestrator/backends/audio';
import { DatabaseModule, databaseEnvironment } from '@libs/orchestrator/backends/database';
import { FeastModule, feastEnvironment } from '@libs/orchestrator/backends/feast';
import { ModelModule, modelEnvironment } from '@libs/orchestrator/backends/model';
import { TextModule, textEnvironment } from '@libs/orchestrator/backends/text';
import { HealthModule } from './health.module';

/** The module that holds the routes under test, as the orchestrator's app module does. */
class HealthUnderTest {}

/** The health module served on a free port, configured by `env` as the orchestrator would be. */
export function startHealth(env: Record<string, string>): Promise<RunningService> {
  return startService(
    async () => ({
      module: HealthUnderTest,
      imports: [
        configurationModule({
          ...textEnvironment,
          ...audioEnvironment,
          ...databaseEnvironment,
          ...feastEnvironment,
          ...modelEnvironment,
          ...uploadEnvironment,
        }),
        loggingModule('orchestrator'),
        // The backends, in the orchestrator's order; the health module finds their indicators.
        TextModule,
        AudioModule,
        DatabaseModule,
        FeastModule,
        ModelModule,
        HealthModule,
      ],
    }),
    env,
  );
}
