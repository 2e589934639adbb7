export { failureOf } from './failure-of';
export { LocalHttpServer, unusedPort, unusedPortUrl } from './local-http-server';
export { startFeatureModule, type FeatureModule } from './start-feature-module';
export { startService, type RunningService } from './start-service';
export { timedFetch, type TimedAnswer } from './timed-fetch';
export { LOCAL_POSTGRES, scratchPostgresDatabase, type ScratchDatabase } from './scratch-postgres';
export { WORKSPACE_ROOT } from './workspace-root';
export { StandInService, type ReceivedRequest } from './stand-in-service';
export { undocumentedVariables } from './env-example';
