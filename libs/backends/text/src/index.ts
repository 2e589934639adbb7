export { TextClient } from './text.client';
export { TEXT_SERVICE, textEnvironment } from './text.config';
export { TextHealthIndicator } from './text.health';
export { TextModule } from './text.module';
