import Ajv, { type ErrorObject } from 'ajv';

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
 * `api` sources. Self-contained (no `$ref`), so that it can be embedded in the configuration's
 * schema as it is.
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

const operationValidator = new Ajv({ allErrors: true, strictTypes: true }).compile<FeastOperation>(
  operationSchema,
);

/**
 * One operation as declared, or what is wrong with it. The loader reports the file's problems
 * with their positions; this keeps a source from running a lookup it cannot make.
 */
export function parseFeastOperation(
  definition: unknown,
): { operation: FeastOperation } | { problems: string[] } {
  if (operationValidator(definition)) return { operation: definition };
  // A failed oneOf is told once, not by the failures of each of its alternatives.
  const errors = (operationValidator.errors ?? []).filter(
    (error) => !error.schemaPath.startsWith('#/oneOf/'),
  );
  const described = (error: ErrorObject) =>
    error.keyword === 'oneOf'
      ? 'must have exactly one of feature_service and features'
      : (error.message ?? error.keyword);
  return { problems: errors.map((error) => `${error.instancePath || '/'}: ${described(error)}`) };
}
