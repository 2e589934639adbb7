export { OrchestratorModule, bootstrapOrchestrator } from './orchestrator.module';
export { ORCHESTRATOR_PORT, orchestratorEnvironment } from './orchestrator.environment';
