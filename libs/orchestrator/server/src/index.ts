export { OrchestratorModule, bootstrapOrchestrator } from './orchestrator.module';
export { ORCHESTRATOR_SERVICE } from './orchestrator.service';
export { ORCHESTRATOR_PORT, orchestratorEnvironment } from './orchestrator.environment';
