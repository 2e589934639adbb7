export { failureOf } from './failure-of';
export { LocalHttpServer, unusedPort, unusedPortUrl } from './local-http-server';
export { startService, type RunningService } from './start-service';
