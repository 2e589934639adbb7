// The variables the orchestrator reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';
import { metricsEnvironment } from '@libs/core/metrics';
import { audioEnvironment } from '@libs/orchestrator/backends/audio';
import { databaseEnvironment } from '@libs/orchestrator/backends/database';
import { feastEnvironment } from '@libs/orchestrator/backends/feast';
import { modelEnvironment } from '@libs/orchestrator/backends/model';
import { textEnvironment } from '@libs/orchestrator/backends/text';
import { engineEnvironment, executionTrackingEnvironment } from '@libs/orchestrator/engine';
import { routingEnvironment } from '@libs/orchestrator/routing';

export const ORCHESTRATOR_PORT = 'ORCHESTRATOR_PORT';

export const orchestratorEnvironment: EnvironmentSchema = {
  [ORCHESTRATOR_PORT]: portVariable(3000),
  ...textEnvironment,
  ...audioEnvironment,
  ...databaseEnvironment,
  ...feastEnvironment,
  ...modelEnvironment,
  ...routingEnvironment,
  ...engineEnvironment,
  ...executionTrackingEnvironment,
  ...metricsEnvironment,
};
