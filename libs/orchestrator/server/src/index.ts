export { ORCHESTRATOR_PORT, OrchestratorModule, bootstrapOrchestrator } from './orchestrator.module';
