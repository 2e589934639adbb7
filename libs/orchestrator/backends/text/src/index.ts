export { TEXT_SOURCE_TYPE, TextSourceAdapter } from './text.adapter';
export { TextClient } from './text.client';
export { TEXT_SERVICE, textEnvironment } from './text.config';
export { TextHealthIndicator } from './text.health';
export { TextModule } from './text.module';
