import './tracing';
import { bootstrapOrchestrator } from '@libs/orchestrator/server';

void bootstrapOrchestrator();
