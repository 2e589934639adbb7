import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FeatureDatabase } from './feature-database';
import { featureServerConfig } from './feature-server.config';
import { FeatureServerError } from './feature-server.errors';
import { resolveFeatureRefs, type EntityFeatures, type FeatureView } from './feature-views';
import type { EntityValue, OnlineFeaturesRequest } from './online-features.request';

export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'NULL_VALUE' | 'OUTSIDE_MAX_AGE' | 'INVALID';

/** One column of the answer: element `j` belongs to entity row `j`. */
export interface FeatureColumn {
  values: (EntityValue | number | null)[];
  statuses: FeatureStatus[];
  event_timestamps: string[];
}

/** Feast's columnar answer: `results[i]` is the column named `metadata.feature_names[i]`. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[] };
  results: FeatureColumn[];
}

/** What Feast puts in the timestamps of entity columns and of values it did not find. */
const EPOCH = '1970-01-01T00:00:00Z';

/** RFC 3339 at second precision, as Feast writes event timestamps. */
const rfc3339 = (instant: Date) => instant.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Reads online features: one aggregate query per requested feature view, for all entity rows at once. */
@Injectable()
export class OnlineFeatureService {
  constructor(
    private readonly database: FeatureDatabase,
    @Inject(featureServerConfig.KEY) private readonly config: ConfigType<typeof featureServerConfig>,
  ) {}

  /** The entity columns echoed first, in the request's order, then the features in the requested order. */
  async getOnlineFeatures(request: OnlineFeaturesRequest): Promise<OnlineFeaturesResponse> {
    const refs = resolveFeatureRefs(request);
    const views = [...new Set(refs.map(({ view }) => view))];
    checkJoinKeys(views, request.entities);
    const asOf = this.config.asOf ?? new Date();
    const featuresByView = new Map(
      await Promise.all(
        views.map(
          async (view) => [view, await this.featuresOf(view, request.entities[view.joinKey], asOf)] as const,
        ),
      ),
    );

    const entityColumns = Object.entries(request.entities).map(([joinKey, ids]) => ({
      name: joinKey,
      column: {
        values: ids,
        statuses: ids.map((): FeatureStatus => 'PRESENT'),
        event_timestamps: ids.map(() => EPOCH),
      },
    }));
    const featureColumns = refs.map(({ view, feature }) => {
      const byId = featuresByView.get(view) ?? new Map<string, EntityFeatures>();
      const cells = request.entities[view.joinKey].map((id) => cellOf(byId.get(String(id)), feature));
      return {
        name: request.fullFeatureNames ? `${view.name}__${feature}` : feature,
        column: {
          values: cells.map((cell) => cell.value),
          statuses: cells.map((cell) => cell.status),
          event_timestamps: cells.map((cell) => cell.eventTimestamp),
        },
      };
    });
    const columns = [...entityColumns, ...featureColumns];
    return {
      metadata: { feature_names: columns.map(({ name }) => name) },
      results: columns.map(({ column }) => column),
    };
  }

  /** The features of the view's entities found in the database, by id. */
  private async featuresOf(
    view: FeatureView,
    ids: readonly EntityValue[],
    asOf: Date,
  ): Promise<Map<string, EntityFeatures>> {
    const distinctIds = [...new Set(ids.map(String))];
    if (!distinctIds.length) return new Map();
    const rows = await this.database.query(view.query, distinctIds);
    return new Map(rows.map((row) => [String(row['entity_id']), view.featuresOf(row, asOf)]));
  }
}

function cellOf(found: EntityFeatures | undefined, feature: string) {
  if (!found) return { value: null, status: 'NOT_FOUND' as const, eventTimestamp: EPOCH };
  const value = found.values[feature];
  return {
    value,
    status: value === null ? ('NULL_VALUE' as const) : ('PRESENT' as const),
    eventTimestamp: rfc3339(found.eventTimestamp),
  };
}

/** Every requested view needs its join key among the entities, and every entity key must belong to one. */
function checkJoinKeys(views: readonly FeatureView[], entities: Record<string, unknown>): void {
  const joinKeys = views.map(({ joinKey }) => joinKey);
  const missing = views.find(({ joinKey }) => !(joinKey in entities));
  if (missing) {
    throw new FeatureServerError(
      HttpStatus.BAD_REQUEST,
      `Missing entity join key ${missing.joinKey}, which feature view ${missing.name} is keyed by`,
    );
  }
  const unknown = Object.keys(entities).find((key) => !joinKeys.includes(key));
  if (unknown) {
    throw new FeatureServerError(
      HttpStatus.BAD_REQUEST,
      `Entity key ${unknown} is not a join key of the requested feature views (${[...new Set(joinKeys)].join(', ') || 'none'})`,
    );
  }
}
