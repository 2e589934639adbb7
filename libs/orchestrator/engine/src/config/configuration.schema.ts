import { createAjv } from '@libs/core/config';
import type { JsonSchema } from '@libs/core/sources';
import type { ErrorObject, ValidateFunction } from 'ajv';
import engineSchema from './configuration.schema.json';
import { pathText, type ValuePath } from './configuration.file';

/**
 * The engine's own part of the configuration's format: config.yaml and domains/*.yaml. The files
 * of the source types are described by their adapters' sections; `docs/config.schema.json`, which
 * editors use, is assembled from both (see `publishedConfigurationSchema`).
 */
export { engineSchema };

/** The files of a configuration directory whose format is the engine's own. */
export type EngineFileKind = 'configFile' | 'domainFile';

/** What is wrong at a path of a file, with `key` when the key itself is at fault. */
export interface SchemaViolation {
  path: ValuePath;
  key: boolean;
  message: string;
}

const ajv = createAjv();
ajv.addSchema(engineSchema);

const engineValidators = new Map<EngineFileKind, ValidateFunction>();
const sectionValidators = new WeakMap<JsonSchema, ValidateFunction>();

/** The validator of one of the engine's own files. */
export function engineFileValidator(kind: EngineFileKind): ValidateFunction {
  let validate = engineValidators.get(kind);
  if (!validate) {
    validate = ajv.compile({ $ref: `${engineSchema.$id}#/definitions/${kind}` });
    engineValidators.set(kind, validate);
  }
  return validate;
}

/**
 * The validator of a source type's file, compiled once per schema with the same Ajv as the
 * engine's own files: one set of rules for every file, and one wording of what breaks them.
 */
export function sectionValidator(schema: JsonSchema): ValidateFunction {
  let validate = sectionValidators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    sectionValidators.set(schema, validate);
  }
  return validate;
}

/** Checks one file's content against its schema: every violation, in words. */
export function schemaViolations(validate: ValidateFunction, value: unknown): SchemaViolation[] {
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // A failed `oneOf` is reported once, by its alternatives, not by each alternative's failures.
  const alternatives = errors.filter((error) => error.keyword === 'oneOf').map((error) => error.schemaPath);
  const violations = errors
    .filter((error) => error.keyword !== 'if' && error.keyword !== 'propertyNames')
    .filter((error) => !alternatives.some((path) => error.schemaPath.startsWith(`${path}/`)))
    .map((error) => violationOf(error, value));
  const seen = new Set<string>();
  return violations.filter((violation) => {
    const identity = `${violation.path.join('\0')}\0${violation.message}`;
    return seen.has(identity) ? false : Boolean(seen.add(identity));
  });
}

function violationOf(error: ErrorObject, root: unknown): SchemaViolation {
  const path = pathOf(error.instancePath, root);
  const at = pathText(path);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const got = `got ${shown(error.data)}`;
  const propertyName = (error as { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    return {
      path: [...path, propertyName],
      key: true,
      message: `${at}: invalid name ${JSON.stringify(propertyName)}; expected ${expectation(error, parent)}`,
    };
  }
  switch (error.keyword) {
    case 'required':
      return {
        path,
        key: false,
        message: `${at}: missing required property "${String(params['missingProperty'])}"`,
      };
    case 'additionalProperties': {
      const property = String(params['additionalProperty']);
      const known = Object.keys((parent['properties'] as object | undefined) ?? {});
      return {
        path: [...path, property],
        key: true,
        message: `${at}: unknown property "${property}"; expected one of: ${known.join(', ')}`,
      };
    }
    case 'uniqueItems': {
      const [first, second] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b);
      return {
        path: [...path, second],
        key: false,
        message: `${at}: items ${first} and ${second} are the same; expected unique items`,
      };
    }
    default:
      return { path, key: false, message: `${at}: ${got}; expected ${expectation(error, parent)}` };
  }
}

function expectation(error: ErrorObject, parent: Record<string, unknown>): string {
  const params = error.params as Record<string, unknown>;
  const description = parent['description'];
  switch (error.keyword) {
    case 'type':
      return String(params['type'])
        .split(',')
        .map((type) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`)
        .join(' or ');
    case 'enum':
      return `one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
    case 'const':
      return (
        JSON.stringify(params['allowedValue']) + (typeof description === 'string' ? ` (${description})` : '')
      );
    case 'pattern':
      // A description in lower case says in words what the pattern expects.
      return typeof description === 'string' && /^[a-z]/.test(description)
        ? description
        : `text matching ${String(params['pattern'])}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${parent['type'] === 'integer' ? 'an integer' : 'a number'} ${String(params['comparison'])} ${String(params['limit'])}`;
    case 'minLength':
      return params['limit'] === 1 ? 'a non-empty string' : `at least ${String(params['limit'])} characters`;
    case 'minItems':
    case 'minProperties':
      return `at least ${String(params['limit'])} ${error.keyword === 'minItems' ? 'item' : 'entry'}${params['limit'] === 1 ? '' : 's'}`;
    case 'oneOf':
      return `exactly one of: ${(error.schema as { description?: string }[])
        .map((alternative, index) => alternative.description ?? `alternative ${index + 1}`)
        .join(' or ')}`;
    case 'format':
      return `a valid ${String(params['format'])}`;
    default:
      return String(error.message).replace(/^must (be )?/, '');
  }
}

/** Ajv's JSON pointer as a path whose array indexes are numbers. */
function pathOf(pointer: string, root: unknown): ValuePath {
  const path: (string | number)[] = [];
  let current = root;
  for (const encoded of pointer.split('/').slice(1)) {
    const step = encoded.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(current) ? Number(step) : undefined;
    path.push(index ?? step);
    current = (current as Record<string | number, unknown> | undefined)?.[index ?? step];
  }
  return path;
}

function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
