// What an app loads before anything else (its src/tracing.ts): only what starts the SDK, so that
// no module the SDK instruments is loaded before it.
export { startTracing } from './tracing';
