// Imported first by main.ts: OpenTelemetry starts (when the OTEL_* variables ask for it) before
// the modules it instruments, node:http among them, are loaded.
import { startTracing } from '@libs/core/tracing/start';

startTracing('model-service');
