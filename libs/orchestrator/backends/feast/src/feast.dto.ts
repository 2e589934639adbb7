/** Field statuses of Feast's online answer; a value whose status is not PRESENT is missing. */
export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'NULL_VALUE' | 'OUTSIDE_MAX_AGE' | 'INVALID';

/** An entity id: Feast takes strings and integers. */
export type EntityValue = string | number;

/** The body of Feast's `POST /get-online-features`. */
export interface GetOnlineFeaturesRequestDto {
  /** `<feature_view>:<feature>` references; or `feature_service`. */
  features?: string[];
  feature_service?: string;
  /** Join key → one id per entity row, all of the same length. */
  entities: Record<string, EntityValue[]>;
  /** Names columns `<feature_view>__<feature>` rather than `<feature>`. */
  full_feature_names?: boolean;
}

/** One column of Feast's columnar answer: element `j` belongs to entity row `j`. */
export interface FeatureColumnDto {
  values: unknown[];
  statuses: FeatureStatus[];
  event_timestamps: string[];
}

/** Feast's answer: `results[i]` is the column `metadata.feature_names[i]`, entity join keys first. */
export interface GetOnlineFeaturesResponseDto {
  metadata: { feature_names: string[] };
  results: FeatureColumnDto[];
}

/** What the orchestrator asks the feature server. */
export interface OnlineFeaturesQuery {
  features?: string[];
  featureService?: string;
  entities: Record<string, EntityValue[]>;
  fullFeatureNames?: boolean;
}

/** The answer turned to rows: one object per entity row, in request order, and each row's statuses. */
export interface OnlineFeatures {
  /** Column name → value, `null` where the status is not PRESENT. */
  rows: Record<string, unknown>[];
  statuses: Record<string, FeatureStatus>[];
}
