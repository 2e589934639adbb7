import { EndpointDocumentation } from '@libs/orchestrator/engine';
import { bootstrapService } from '@libs/core/http';
import { AppModule, ORCHESTRATOR_PORT } from './app.module';

void bootstrapService(AppModule, ORCHESTRATOR_PORT, {
  title: 'Orchestrator',
  description:
    'Routes requests to the internal services (text analysis, transcription, and both at once) and ' +
    'serves the composite endpoints declared in YAML; reports the health of all of them.',
  documentExtension: (app) => app.get(EndpointDocumentation),
});
