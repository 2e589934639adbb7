export {
  featureServerConfig,
  featureServerEnvironment,
  type FeatureServerConfig,
} from './feature-server.config';
export { FEATURE_SERVICES, FEATURE_VIEWS, type FeatureView } from './feature-views';
export { FeatureServingModule } from './feature-serving.module';
export type { FeatureColumn, FeatureStatus, OnlineFeaturesResponse } from './online-features.service';
