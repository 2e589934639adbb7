import { invalidBody, type ValidationIssue } from './feature-server.errors';

/** An entity id as a request gives it: Feast takes strings and integers. */
export type EntityValue = string | number;

/** The body of `POST /get-online-features`, as Feast's request model takes it. */
export interface OnlineFeaturesRequest {
  features?: string[];
  featureService?: string;
  /** Join key → one id per entity row; all of the same length. */
  entities: Record<string, EntityValue[]>;
  fullFeatureNames: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const issue = (type: string, loc: (string | number)[], msg: string): ValidationIssue => ({ type, loc, msg });

/**
 * Reads the request body, refusing it the way FastAPI does (a 422 listing every field that does
 * not fit) when a field has the wrong type, and with a value error when it names neither or both
 * of `features` and `feature_service`, or entity columns of different lengths.
 */
export function parseOnlineFeaturesRequest(body: unknown): OnlineFeaturesRequest {
  if (!isRecord(body)) {
    throw invalidBody(
      issue(
        'model_attributes_type',
        ['body'],
        'Input should be a valid dictionary or object to extract fields from',
      ),
    );
  }
  const issues = [
    ...entitiesIssues(body['entities']),
    ...stringListIssues(body['features'], 'features'),
    ...(body['feature_service'] === undefined || typeof body['feature_service'] === 'string'
      ? []
      : [issue('string_type', ['body', 'feature_service'], 'Input should be a valid string')]),
    ...(body['full_feature_names'] === undefined || typeof body['full_feature_names'] === 'boolean'
      ? []
      : [issue('bool_type', ['body', 'full_feature_names'], 'Input should be a valid boolean')]),
  ];
  if (issues.length) throw invalidBody(...issues);

  const request: OnlineFeaturesRequest = {
    features: body['features'] as string[] | undefined,
    featureService: body['feature_service'] as string | undefined,
    entities: body['entities'] as Record<string, EntityValue[]>,
    fullFeatureNames: body['full_feature_names'] === true,
  };
  if ((request.features === undefined) === (request.featureService === undefined)) {
    throw invalidBody(
      issue('value_error', ['body'], 'Value error, give either features or feature_service, not both'),
    );
  }
  if (new Set(Object.values(request.entities).map((ids) => ids.length)).size > 1) {
    throw invalidBody(
      issue(
        'value_error',
        ['body', 'entities'],
        'Value error, every entity column must have the same length',
      ),
    );
  }
  return request;
}

function entitiesIssues(entities: unknown): ValidationIssue[] {
  if (entities === undefined) return [issue('missing', ['body', 'entities'], 'Field required')];
  if (!isRecord(entities))
    return [issue('dict_type', ['body', 'entities'], 'Input should be a valid dictionary')];
  return Object.entries(entities).flatMap(([joinKey, ids]) => {
    const loc = ['body', 'entities', joinKey];
    if (!Array.isArray(ids)) return [issue('list_type', loc, 'Input should be a valid list')];
    return ids.flatMap((id, index) =>
      typeof id === 'string' || Number.isInteger(id)
        ? []
        : [issue('value_error', [...loc, index], 'Input should be a string or an integer')],
    );
  });
}

function stringListIssues(list: unknown, field: string): ValidationIssue[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [issue('list_type', ['body', field], 'Input should be a valid list')];
  return list.flatMap((item, index) =>
    typeof item === 'string'
      ? []
      : [issue('string_type', ['body', field, index], 'Input should be a valid string')],
  );
}
