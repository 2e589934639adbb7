import { UPLOAD_MAX_BYTES } from '@libs/core/config';
import type { ServiceDescription } from '@libs/core/http';
import { MetricsRegistry, requestMetrics } from '@libs/core/metrics';
import { EndpointDocumentation } from '@libs/orchestrator/engine';

/**
 * What the orchestrator's HTTP layer adds to every service's, for its bootstrap and for tests that
 * start the OrchestratorModule themselves: the YAML endpoints in its OpenAPI document, the upload
 * limit, and its metrics' timing of every request.
 */
export const ORCHESTRATOR_SERVICE = {
  documentExtension: (app) => app.get(EndpointDocumentation),
  uploadLimitVariable: UPLOAD_MAX_BYTES,
  observeRequests: (app) => requestMetrics(app.get(MetricsRegistry)),
} satisfies Partial<ServiceDescription>;
