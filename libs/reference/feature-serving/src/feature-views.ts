import { HttpStatus } from '@nestjs/common';
import { FeatureServerError } from './feature-server.errors';

const DAY_MS = 86_400_000;
const FREQUENCY_PERIOD_DAYS = 30;

/** A feature's value for one entity; `null` is a value the entity has none of (NULL_VALUE). */
export type FeatureValue = number | null;

/** One entity's row as a view's aggregate query answers it, `entity_id` first. */
export type AggregateRow = Record<string, unknown>;

export interface EntityFeatures {
  values: Record<string, FeatureValue>;
  /** When the values last changed: the entity's latest transaction, or the as-of instant without one. */
  eventTimestamp: Date;
}

/**
 * A feature view declared in code: the features of one entity, all computed by one
 * aggregate query over the demo tables for every requested entity at once.
 */
export interface FeatureView {
  name: string;
  /** The entity's join key, the name requests give its ids under. */
  joinKey: string;
  features: readonly string[];
  /** Every table the query reads, which health checks. */
  tables: readonly string[];
  /** The query, its entity ids bound in `idPlaceholders` (`?, ?` or `$1, $2`), never interpolated. */
  query(idPlaceholders: string): string;
  featuresOf(row: AggregateRow, asOf: Date): EntityFeatures;
}

const roundTo = (decimals: number) => (value: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};
const money = roundTo(2);
const ratio = roundTo(2);

/** Numeric aggregates come back as numbers (SQLite) or as exact text (PostgreSQL numeric, bigint). */
const numberOf = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Timestamps come back as Dates (PostgreSQL) or text; SQLite's zone-less text is UTC by convention. */
function timestampOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/**
 * Purchases per 30 days over the span between the first and the last purchase; a customer whose
 * purchases all fall within one day gets their count, so that a single purchase is not divided by
 * zero.
 */
export function purchaseFrequency(purchases: number, first: Date | null, last: Date | null): number {
  if (purchases === 0 || !first || !last) return 0;
  const spanDays = (last.getTime() - first.getTime()) / DAY_MS;
  return spanDays < 1 ? purchases : ratio((purchases * FREQUENCY_PERIOD_DAYS) / spanDays);
}

/** `customer_stats`: what a customer spent, how often and how recently, and what they hold. */
const CUSTOMER_STATS: FeatureView = {
  name: 'customer_stats',
  joinKey: 'customer_id',
  features: [
    'customer_lifetime_value',
    'purchase_frequency',
    'avg_transaction_amount',
    'days_since_last_purchase',
    'total_balance',
  ],
  tables: ['customers', 'accounts', 'transactions'],
  query: (ids) => `
    SELECT c.id AS entity_id,
      COUNT(t.id) AS purchases,
      SUM(t.amount) AS spent,
      MIN(t.occurred_at) AS first_purchase_at,
      MAX(t.occurred_at) AS last_purchase_at,
      (SELECT SUM(b.balance) FROM accounts b WHERE b.customer_id = c.id) AS total_balance
    FROM customers c
    LEFT JOIN accounts a ON a.customer_id = c.id
    LEFT JOIN transactions t ON t.account_id = a.id
    WHERE c.id IN (${ids})
    GROUP BY c.id`,
  featuresOf(row, asOf) {
    const purchases = numberOf(row['purchases']) ?? 0;
    const spent = numberOf(row['spent']) ?? 0;
    const first = timestampOf(row['first_purchase_at']);
    const last = timestampOf(row['last_purchase_at']);
    return {
      values: {
        customer_lifetime_value: money(spent),
        purchase_frequency: purchaseFrequency(purchases, first, last),
        avg_transaction_amount: purchases ? money(spent / purchases) : null,
        days_since_last_purchase: last ? Math.floor((asOf.getTime() - last.getTime()) / DAY_MS) : null,
        total_balance: money(numberOf(row['total_balance']) ?? 0),
      },
      eventTimestamp: last ?? asOf,
    };
  },
};

/** `product_stats`: how much of a product sold; each transaction is one unit. */
const PRODUCT_STATS: FeatureView = {
  name: 'product_stats',
  joinKey: 'product_id',
  features: ['units_sold', 'revenue'],
  tables: ['products', 'transactions'],
  query: (ids) => `
    SELECT p.id AS entity_id,
      COUNT(t.id) AS units_sold,
      SUM(t.amount) AS revenue,
      MAX(t.occurred_at) AS last_sale_at
    FROM products p
    LEFT JOIN transactions t ON t.product_id = p.id
    WHERE p.id IN (${ids})
    GROUP BY p.id`,
  featuresOf(row, asOf) {
    return {
      values: {
        units_sold: numberOf(row['units_sold']) ?? 0,
        revenue: money(numberOf(row['revenue']) ?? 0),
      },
      eventTimestamp: timestampOf(row['last_sale_at']) ?? asOf,
    };
  },
};

export const FEATURE_VIEWS: readonly FeatureView[] = [CUSTOMER_STATS, PRODUCT_STATS];

/** Feature services: named lists of feature references, as `feast apply` registers them. */
export const FEATURE_SERVICES: Readonly<Record<string, readonly string[]>> = {
  customer_features: CUSTOMER_STATS.features.map((feature) => `${CUSTOMER_STATS.name}:${feature}`),
  credit_features: [
    'customer_stats:customer_lifetime_value',
    'customer_stats:purchase_frequency',
    'customer_stats:days_since_last_purchase',
    'customer_stats:total_balance',
  ],
};

/** Feast's project name, which its "does not exist" messages quote. */
const PROJECT = 'orchestrator';

export interface FeatureRef {
  view: FeatureView;
  feature: string;
}

/** The features a request asks for, in its order: those of its feature service or its references. */
export function resolveFeatureRefs(request: { features?: string[]; featureService?: string }): FeatureRef[] {
  if (request.featureService !== undefined) {
    const refs = FEATURE_SERVICES[request.featureService];
    if (!refs) {
      throw new FeatureServerError(
        HttpStatus.NOT_FOUND,
        `Feature service ${request.featureService} does not exist in project ${PROJECT}`,
      );
    }
    return refs.map(resolveFeatureRef);
  }
  return (request.features ?? []).map(resolveFeatureRef);
}

function resolveFeatureRef(reference: string): FeatureRef {
  const [viewName, feature, ...rest] = reference.split(':');
  if (!viewName || !feature || rest.length) {
    throw new FeatureServerError(
      HttpStatus.BAD_REQUEST,
      `Feature reference ${reference} is not of the form <feature_view>:<feature>`,
    );
  }
  const view = FEATURE_VIEWS.find(({ name }) => name === viewName);
  if (!view) {
    throw new FeatureServerError(
      HttpStatus.NOT_FOUND,
      `Feature view ${viewName} does not exist in project ${PROJECT}`,
    );
  }
  if (!view.features.includes(feature)) {
    throw new FeatureServerError(
      HttpStatus.NOT_FOUND,
      `Feature ${feature} does not exist in feature view ${viewName}; it has ${view.features.join(', ')}`,
    );
  }
  return { view, feature };
}
