import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { shutdownTracing } from './tracing';

/**
 * Exports the spans still buffered when the service stops: Nest runs it once the server has
 * closed, so the last requests' spans are sent before the process exits.
 */
@Injectable()
export class TraceExport implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return shutdownTracing();
  }
}
