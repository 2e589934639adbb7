import './tracing';
import { bootstrapService } from '@libs/core/http';
import { AppModule } from './app.module';
import { TEXT_SERVICE_PORT } from './environment';

void bootstrapService(AppModule, TEXT_SERVICE_PORT, {
  title: 'text-service',
  description: 'Internal text analysis: language, sentiment, keywords, named entities and counts (en, es).',
});
