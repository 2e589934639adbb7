import { Module, type Type } from '@nestjs/common';
import { ApiModule } from '@libs/orchestrator/backends/api';
import { AudioModule } from '@libs/orchestrator/backends/audio';
import { DatabaseModule } from '@libs/orchestrator/backends/database';
import { FeastModule } from '@libs/orchestrator/backends/feast';
import { ModelModule } from '@libs/orchestrator/backends/model';
import { TextModule } from '@libs/orchestrator/backends/text';
import { CompositesModule } from '@libs/orchestrator/composites';
import { configurationModule } from '@libs/core/config';
import { EngineModule } from '@libs/orchestrator/engine';
import { bootstrapService, loggingModule } from '@libs/core/http';
import { MetricsModule } from '@libs/core/metrics';
import { HealthModule } from '@libs/orchestrator/health';
import { RoutingModule } from '@libs/orchestrator/routing';
import { ORCHESTRATOR_PORT, orchestratorEnvironment } from './orchestrator.environment';
import { ORCHESTRATOR_SERVICE } from './orchestrator.service';

/**
 * The orchestrator: its environment validated once, the backends, its metrics, the routes to the
 * internal services, health, the declarative engine and the composites written in code.
 */
@Module({
  imports: [
    configurationModule(orchestratorEnvironment),
    loggingModule('orchestrator'),
    TextModule,
    AudioModule,
    ApiModule,
    DatabaseModule,
    FeastModule,
    ModelModule,
    MetricsModule,
    RoutingModule,
    HealthModule,
    EngineModule,
    CompositesModule,
  ],
})
export class OrchestratorModule {}

/**
 * Starts `module` (the OrchestratorModule, or a module that imports it with more routes, as the
 * benchmark's twins do) as the orchestrator service, with the YAML endpoints in its OpenAPI document.
 */
export function bootstrapOrchestrator(module: Type<unknown> = OrchestratorModule) {
  return bootstrapService(module, ORCHESTRATOR_PORT, {
    title: 'Orchestrator',
    description:
      'Routes requests to the internal services (text analysis, transcription, and both at once) and ' +
      'serves the composite endpoints declared in YAML; reports the health of all of them.',
    ...ORCHESTRATOR_SERVICE,
  });
}
