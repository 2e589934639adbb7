export { FEAST_SOURCE_TYPE, FeastSourceAdapter } from './feast.adapter';
export {
  feastConfigurationSchema,
  feastSection,
  type FeastOperation,
  type FeastOperations,
} from './feast-configuration.schema';
export { FeastClient } from './feast.client';
export { FEATURE_SERVER, feastEnvironment } from './feast.config';
export type {
  EntityValue,
  FeatureStatus,
  GetOnlineFeaturesRequestDto,
  GetOnlineFeaturesResponseDto,
  OnlineFeatures,
  OnlineFeaturesQuery,
} from './feast.dto';
export { FeastHealthIndicator } from './feast.health';
export { FeastModule } from './feast.module';
