import type { ConfigurationSection } from '@libs/core/sources';

/** A named lookup of `feast.yaml`, as written (snake_case). */
export interface FeastOperation {
  description?: string;
  feature_service?: string;
  features?: string[];
  entities: string[];
  full_feature_names?: boolean;
}

const NAME = '^[A-Za-z_][A-Za-z0-9_-]*$';

/** `<feature_view>:<feature>`, as Feast names a feature. */
export const FEATURE_REFERENCE = /^[^:\s]+:[^:\s]+$/;

const operationSchema = {
  type: 'object',
  description:
    'A lookup of online features. A source `{ type: feast, operation: <name> }` gives one param per entity key: an id for one row, or a list of ids for a batch lookup (one row per id, in order).',
  required: ['entities'],
  additionalProperties: false,
  oneOf: [
    { description: '`feature_service: <name>`', required: ['feature_service'] },
    { description: '`features: [<feature_view>:<feature>, …]`', required: ['features'] },
  ],
  properties: {
    description: { type: 'string' },
    feature_service: {
      type: 'string',
      minLength: 1,
      description: 'A feature service of the feature server (`customer_features`).',
    },
    features: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {
        type: 'string',
        pattern: FEATURE_REFERENCE.source,
        description: 'a <feature_view>:<feature> reference',
      },
    },
    entities: {
      type: 'array',
      description:
        'The entity keys (Feast join keys) the lookup is for (`[customer_id]`): each is a param of the sources that name the operation.',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: NAME, description: 'a join key made of letters, digits, _ and -' },
    },
    full_feature_names: {
      type: 'boolean',
      default: false,
      description: 'Names the answer’s fields `<feature_view>__<feature>` instead of `<feature>`.',
    },
  },
} as const;

/**
 * The JSON Schema of `feast.yaml`: named lookups that sources of type `feast` call by
 * `operation: <name>` with the entity keys as params, as `integrations/*.yaml` name the calls of
 * `api` sources. Self-contained (no `$ref`), as sections are.
 */
export const feastConfigurationSchema = {
  title: 'Feast configuration',
  description:
    'feast.yaml: named online-feature lookups of `feast` sources, each a feature service or a list of features for its entity keys.',
  type: 'object',
  additionalProperties: false,
  properties: {
    operations: {
      type: 'object',
      description: 'The lookups sources may name, by name.',
      propertyNames: { pattern: NAME },
      additionalProperties: operationSchema,
    },
  },
} as const;

/** The lookups of `feast.yaml` by name, as sources name them. */
export type FeastOperations = Readonly<Record<string, FeastOperation>>;

/**
 * `feast.yaml`, the section of `feast` sources: once it matches its schema, its operations are
 * the lookups as they are made.
 */
export const feastSection: ConfigurationSection<FeastOperations> = {
  files: { file: 'feast.yaml' },
  schema: feastConfigurationSchema,
  compile: (value) => ({ compiled: (value?.['operations'] ?? {}) as FeastOperations, problems: [] }),
};
