import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import configurationSchema from './configuration.schema.json';
import { pathText, type ValuePath } from './configuration.file';

/**
 * The format of a configuration directory. `docs/config.schema.json`, which editors use, is a
 * link to this very file, so that what editors check and what the loader checks cannot drift.
 */
export { configurationSchema };

/** Which file of a configuration directory a value comes from. */
export type ConfigurationFileKind =
  | 'configFile'
  | 'databaseFile'
  | 'feastFile'
  | 'domainFile'
  | 'integrationFile';

/** What is wrong at a path of a file, with `key` when the key itself is at fault. */
export interface SchemaViolation {
  path: ValuePath;
  key: boolean;
  message: string;
}

const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  verbose: true,
});
addFormats(ajv);
ajv.addSchema(configurationSchema);

const validators = new Map<ConfigurationFileKind, ValidateFunction>();
const validatorOf = (kind: ConfigurationFileKind): ValidateFunction => {
  const known = validators.get(kind);
  if (known) return known;
  const compiled = ajv.compile({ $ref: `${configurationSchema.$id}#/definitions/${kind}` });
  validators.set(kind, compiled);
  return compiled;
};

/** Checks one file's content against its part of the schema: every violation, in words. */
export function schemaViolations(kind: ConfigurationFileKind, value: unknown): SchemaViolation[] {
  const validate = validatorOf(kind);
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
