import { bootstrapOrchestrator } from '@libs/orchestrator/server';
import { BenchOrchestratorModule } from './bench-orchestrator.module';

void bootstrapOrchestrator(BenchOrchestratorModule);
