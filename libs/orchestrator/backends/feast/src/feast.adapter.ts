import { HttpStatus, Injectable } from '@nestjs/common';
import { DownstreamError } from '@libs/core/http';
import {
  SourceAdapterFor,
  compiledSection,
  objectWithFields,
  shapeProblems,
  withinSourceCall,
  type ConfigurationSections,
  type ResultShape,
  type SourceAdapter,
  type SourceCall,
  type SourceDeclarationView,
  type SourceProblem,
  type SourceShape,
} from '@libs/core/sources';
import { Observable, defer, map, of, tap } from 'rxjs';
import {
  FEATURE_REFERENCE,
  feastSection,
  type FeastOperation,
  type FeastOperations,
} from './feast-configuration.schema';
import { FeastClient } from './feast.client';
import { FEATURE_SERVER } from './feast.config';
import type { EntityValue, FeatureStatus, OnlineFeatures } from './feast.dto';

export const FEAST_SOURCE_TYPE = 'feast';

/** The operation of sources that give what to look up in their own params. */
const INLINE_OPERATION = 'online_features';

const INLINE_SHAPE: SourceShape = {
  operations: [INLINE_OPERATION],
  required: ['entities'],
  optional: ['features', 'feature_service', 'full_feature_names'],
};

type Row = Record<string, unknown>;

/** What one call asks the feature server, whether its source gave it inline or named an operation. */
interface Lookup {
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  /** Join key → an id, or a list of ids for a batch lookup. */
  entities: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value resolved when the request runs (`$request.features`), which only then can be checked. */
const isReference = (value: unknown) => typeof value === 'string' && value.startsWith('$');

/**
 * Sources of type `feast` read online features from a Feast feature server, in one of two forms:
 * - an operation of `feast.yaml` (`operation: get_customer_features`), which names a feature
 *   service or a list of features, and its entity keys; the source's params are those keys;
 * - `online_features` (the default operation), the lookup given inline: `features`
 *   (`<feature_view>:<feature>` references) or `feature_service`, and `entities` as join key → id.
 *
 * With single ids it answers the one row (`{ customer_id, customer_lifetime_value, … }`); with
 * lists of ids (a batch lookup) the rows in request order. Missing values are `null`; their
 * statuses (NOT_FOUND, NULL_VALUE…) go to the source's trace.
 */
@Injectable()
@SourceAdapterFor(FEAST_SOURCE_TYPE)
export class FeastSourceAdapter implements SourceAdapter {
  readonly type = FEAST_SOURCE_TYPE;
  readonly section = feastSection;

  constructor(private readonly client: FeastClient) {}

  validate(source: SourceDeclarationView, sections?: ConfigurationSections): SourceProblem[] {
    if (source.operation === undefined || source.operation === INLINE_OPERATION)
      return inlineProblems(source);
    const found = findOperation(source.operation, sections);
    if ('problems' in found) return found.problems.map((message) => ({ path: ['operation'], message }));
    const { entities } = found.operation;
    const problems: SourceProblem[] = entities
      .filter((key) => !(key in source.params))
      .map((key) => ({
        path: ['params'],
        message: `operation ${source.operation} needs param ${key} (an entity key), which the source does not give`,
      }));
    for (const param of Object.keys(source.params).filter((name) => !entities.includes(name))) {
      problems.push({
        path: ['params', param],
        message: `unknown param ${param}; operation ${source.operation} takes its entity keys: ${entities.join(', ')}`,
      });
    }
    return problems;
  }

  /**
   * A lookup of declared features answers their names beside the entities' join keys: one row,
   * or a list of rows when an entity is given a list of ids. Features named by a reference or
   * through a feature service are known only to the feature server. A named operation of
   * feast.yaml is described by its features, its entity keys being the source's params.
   */
  async describeResult(
    source: SourceDeclarationView,
    sections?: ConfigurationSections,
  ): Promise<ResultShape | undefined> {
    const lookup = lookupOf(source.operation, source.params, sections);
    if ('problems' in lookup) return undefined;
    const { features, entities, fullFeatureNames: fullNames } = lookup;
    const declared = Array.isArray(features) && features.every((feature) => !isReference(feature));
    if (!declared || !isRecord(entities) || (fullNames !== undefined && typeof fullNames !== 'boolean')) {
      return undefined;
    }
    const names = features.map((feature) => {
      const [view, name] = feature.split(':');
      return fullNames ? `${view}__${name}` : name;
    });
    const row = objectWithFields([...Object.keys(entities), ...names]);
    return Object.values(entities).some(Array.isArray) ? { items: row } : row;
  }

  /** Reading features changes nothing. */
  idempotent(): boolean {
    return true;
  }

  execute(call: SourceCall): Observable<Row | Row[]> {
    return this.executeBatch([call]).pipe(map(([result]) => result));
  }

  /**
   * The lookups of a `foreach` in one request: every item's entity rows go to the feature server
   * at once, and each item gets its own row (or rows) back, in order.
   */
  executeBatch(calls: SourceCall[]): Observable<(Row | Row[])[]> {
    return defer(() => this.lookUp(calls)).pipe(withinSourceCall(calls[0], FEATURE_SERVER));
  }

  private lookUp(calls: SourceCall[]): Observable<(Row | Row[])[]> {
    const [first] = calls;
    const lookups = calls.map(callLookupOf);
    const shape = requestShapeOf(lookups[0]);
    if (lookups.some((lookup) => requestShapeOf(lookup) !== shape)) {
      throw refusal(first.source, 'every item of a foreach must ask for the same features');
    }
    const items = lookups.map((lookup) => entityColumnsOf(first.source, lookup.entities));
    const rowCounts = items.map(({ entities }) => Object.values(entities)[0].length);
    const perItem = (rows: Row[]) => {
      let offset = 0;
      return items.map(({ batch }, index) => {
        const own = rows.slice(offset, (offset += rowCounts[index]));
        return batch ? own : own[0];
      });
    };
    if (rowCounts.every((count) => count === 0)) return of(perItem([]));
    const { features, featureService, fullFeatureNames } = lookups[0];
    return this.client
      .onlineFeatures(
        {
          features,
          featureService,
          entities: mergedColumns(
            first.source,
            items.map(({ entities }) => entities),
          ),
          fullFeatureNames,
        },
        first.context,
      )
      .pipe(
        tap(({ statuses }) => annotateStatuses(first, statuses, calls.length > 1 || items[0].batch)),
        map(({ rows }: OnlineFeatures) => perItem(rows)),
      );
  }
}

/** What a source of the inline form (`online_features`) gets wrong in its params. */
function inlineProblems(source: SourceDeclarationView): SourceProblem[] {
  const { features, feature_service: featureService, entities } = source.params;
  const problems = shapeProblems(source, INLINE_SHAPE);
  if ((features === undefined) === (featureService === undefined)) {
    problems.push({ path: ['params'], message: 'feast sources need either features or feature_service' });
  }
  if (features !== undefined && !isReference(features)) {
    if (!Array.isArray(features)) {
      problems.push({
        path: ['params', 'features'],
        message: 'features must be a list of <feature_view>:<feature> references',
      });
    } else {
      features.forEach((feature, index) => {
        if (!isReference(feature) && !(typeof feature === 'string' && FEATURE_REFERENCE.test(feature))) {
          problems.push({
            path: ['params', 'features', index],
            message: `${JSON.stringify(feature)} is not a <feature_view>:<feature> reference`,
          });
        }
      });
    }
  }
  if (featureService !== undefined && typeof featureService !== 'string') {
    problems.push({ path: ['params', 'feature_service'], message: 'feature_service must be a name' });
  }
  if (entities !== undefined && (!isRecord(entities) || !Object.keys(entities).length)) {
    problems.push({
      path: ['params', 'entities'],
      message: 'entities must map each join key to an id or a list of ids',
    });
  }
  return problems;
}

type FoundOperation = { operation: FeastOperation } | { problems: string[] };

/** An operation of `feast.yaml`, or why a source cannot name it, with what there is. */
function findOperation(name: string, sections: ConfigurationSections | undefined): FoundOperation {
  const operations: FeastOperations =
    (sections && compiledSection<FeastOperations>(sections, FEAST_SOURCE_TYPE)) ?? {};
  if (Object.hasOwn(operations, name)) return { operation: operations[name] };
  const known = Object.keys(operations);
  return {
    problems: [
      `unknown operation ${name}; feast sources have: ${INLINE_OPERATION} (the lookup in params)${known.length ? `, and feast.yaml's ${known.join(', ')}` : ', and feast.yaml declares none'}`,
    ],
  };
}

/**
 * A source's lookup: its own params (`online_features`), or its operation's, for the entity keys
 * in its params; or why its operation cannot be found.
 */
function lookupOf(
  operation: string | undefined,
  params: Readonly<Record<string, unknown>>,
  sections: ConfigurationSections | undefined,
): Lookup | { problems: string[] } {
  if (operation === undefined || operation === INLINE_OPERATION) {
    return {
      features: params['features'] as string[] | undefined,
      featureService: params['feature_service'] as string | undefined,
      fullFeatureNames: params['full_feature_names'] as boolean | undefined,
      entities: params['entities'],
    };
  }
  const found = findOperation(operation, sections);
  if ('problems' in found) return found;
  const { features, feature_service, full_feature_names, entities } = found.operation;
  return {
    features,
    featureService: feature_service,
    fullFeatureNames: full_feature_names,
    entities: Object.fromEntries(entities.map((key) => [key, params[key]])),
  };
}

function callLookupOf({ source, operation, params, context }: SourceCall): Lookup {
  const lookup = lookupOf(operation, params, context.sections);
  // A configuration that loaded was validated, so only code calling the adapter directly gets here.
  if ('problems' in lookup) throw new Error(`source ${source}: ${lookup.problems.join('; ')}`);
  return lookup;
}

/** What a lookup asks for besides its entities: the items of one batch must agree on it. */
const requestShapeOf = ({ features, featureService, fullFeatureNames }: Lookup): string =>
  JSON.stringify([features, featureService, fullFeatureNames]);

const refusal = (source: string, message: string) =>
  new DownstreamError(source, 'rejected', `${source}: ${message}`, {
    downstreamStatus: HttpStatus.BAD_REQUEST,
  });

/** The entity columns of several lookups, one after the other; they must share their join keys. */
function mergedColumns(
  source: string,
  items: Record<string, EntityValue[]>[],
): Record<string, EntityValue[]> {
  const joinKeys = Object.keys(items[0]);
  const sameKeys = (columns: Record<string, EntityValue[]>) =>
    Object.keys(columns).length === joinKeys.length && joinKeys.every((key) => Object.hasOwn(columns, key));
  if (!items.every(sameKeys)) throw refusal(source, 'every item of a foreach must give the same join keys');
  return Object.fromEntries(joinKeys.map((key) => [key, items.flatMap((columns) => columns[key])]));
}

/**
 * Feast's entity columns from the source's `entities`: single ids make one row, lists of ids (all
 * of one length) a batch. Mixing both is refused, as a single id cannot tell which rows it is for.
 */
function entityColumnsOf(
  source: string,
  entities: unknown,
): { entities: Record<string, EntityValue[]>; batch: boolean } {
  if (!isRecord(entities) || !Object.keys(entities).length) {
    throw refusal(source, 'entities must map each join key to an id or a list of ids');
  }
  const lists = Object.values(entities).filter(Array.isArray);
  if (!lists.length) {
    return {
      entities: Object.fromEntries(Object.entries(entities).map(([key, id]) => [key, [id as EntityValue]])),
      batch: false,
    };
  }
  if (lists.length !== Object.keys(entities).length) {
    throw refusal(
      source,
      'entities mixes single ids and lists of ids; give every join key a list for a batch lookup',
    );
  }
  if (new Set(lists.map((ids) => ids.length)).size > 1) {
    throw refusal(source, 'every join key of a batch lookup needs as many ids as the others');
  }
  return { entities: entities as Record<string, EntityValue[]>, batch: true };
}

/**
 * Puts the statuses that are not PRESENT in the source's trace, compactly: per feature, the
 * status of a single row, or the statuses of every row of a batch in which any is missing.
 */
function annotateStatuses(call: SourceCall, statuses: Record<string, FeatureStatus>[], batch: boolean): void {
  const names = [...new Set(statuses.flatMap((row) => Object.keys(row)))];
  const missing = names.filter((name) => statuses.some((row) => row[name] !== 'PRESENT'));
  if (!missing.length) return;
  call.context.annotate?.({
    statuses: Object.fromEntries(
      missing.map((name) => [name, batch ? statuses.map((row) => row[name]) : statuses[0][name]]),
    ),
  });
}
