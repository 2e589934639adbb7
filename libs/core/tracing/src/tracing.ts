import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { startSdk } from './tracing.sdk';

type Environment = NodeJS.ProcessEnv;

let sdk: { shutdown(): Promise<void> } | undefined;

/** Whether this process exports traces: `startTracing` found them asked for and started the SDK. */
export const tracingStarted = (): boolean => sdk !== undefined;

/**
 * Whether the standard OTEL_* variables ask for traces: an OTLP endpoint (every signal's or the
 * traces') or a trace exporter is named, the exporter is not `none` and the SDK is not disabled.
 * Anything else leaves tracing off.
 */
export function tracingRequested(env: Environment): boolean {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return false;
  if (isSet(env, 'OTEL_TRACES_EXPORTER')) {
    return env['OTEL_TRACES_EXPORTER']?.split(',').map((exporter) => exporter.trim())[0] !== 'none';
  }
  return isSet(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') || isSet(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
}

/** A variable counts as set when it holds more than blanks, as the SDK reads them. */
const isSet = (env: Environment, name: string): boolean => (env[name] ?? '').trim() !== '';

/**
 * Starts OpenTelemetry tracing for the service `service` when the OTEL_* variables ask for it
 * (`tracingRequested`), and says whether it did. It must run before the modules it instruments
 * are loaded, so each app's main.ts imports its `tracing.ts`, which calls this, first.
 *
 * Off, it loads nothing of the SDK: the request path stays as it is without tracing. The OTEL_*
 * variables of `.env` count as the real environment's (which wins), as every other variable does;
 * they are read here because the SDK starts before the service's configuration module reads `.env`.
 */
export function startTracing(service: string): boolean {
  if (sdk) return true;
  const env = process.env;
  readTelemetryVariablesOfDotenv(env);
  if (!tracingRequested(env)) return false;
  // Required only now, so that a service without tracing never loads the SDK.
  const { startSdk: start } = require('./tracing.sdk') as { startSdk: typeof startSdk };
  sdk = start(namesItsService(env) ? undefined : service);
  return true;
}

/** Exports the spans still buffered and stops tracing; nothing to do while it is off. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/** OTEL_SERVICE_NAME, or a service.name in OTEL_RESOURCE_ATTRIBUTES, names the service. */
function namesItsService(env: Environment): boolean {
  if (isSet(env, 'OTEL_SERVICE_NAME')) return true;
  return (env['OTEL_RESOURCE_ATTRIBUTES'] ?? '')
    .split(',')
    .some((pair) => pair.split('=')[0]?.trim() === 'service.name');
}

function readTelemetryVariablesOfDotenv(env: Environment): void {
  if (!existsSync('.env')) return;
  const dotenv = parseEnv(readFileSync('.env', 'utf8'));
  for (const [name, value] of Object.entries(dotenv)) {
    if (name.startsWith('OTEL_') && env[name] === undefined) env[name] = value;
  }
}
