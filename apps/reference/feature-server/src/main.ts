import './tracing';
import { bootstrapService } from '@libs/core/http';
import { AppModule } from './app.module';
import { FEATURE_SERVER_PORT } from './environment';

void bootstrapService(AppModule, FEATURE_SERVER_PORT, {
  title: 'feature-server',
  description:
    "A feature server speaking Feast's HTTP protocol (POST /get-online-features) over the demo " +
    'database: feature views customer_stats and product_stats, feature services customer_features ' +
    'and credit_features.',
});
