import { DEFAULT_RESPONSE_MAX_BYTES } from '@libs/core/resilience';
import { createAjv } from '@libs/core/config';
import type { ConfigurationSection, ResultShape, SectionProblem } from '@libs/core/sources';

export const API_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ApiMethod = (typeof API_METHODS)[number];

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRIES = 2;

export type ApiAuth =
  | { type: 'bearer'; token_env: string }
  | { type: 'api_key'; key_env: string; header: string }
  | { type: 'api_key'; key_env: string; in: 'query'; name: string };

export interface ApiOperation {
  description?: string;
  method?: ApiMethod;
  path: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: unknown;
  response?: string;
  /** A JSON Schema of the result: its `properties` and `items` are what the loader checks references against. */
  response_schema?: Record<string, unknown>;
  idempotent?: boolean;
}

/** One file of `integrations/`, as written (snake_case). */
export interface ApiIntegration {
  description?: string;
  base_url: string;
  timeout_ms?: number;
  retries?: number;
  response_max_bytes?: number;
  auth?: ApiAuth;
  headers?: Record<string, string>;
  operations: Record<string, ApiOperation>;
}

const ENV_VARIABLE = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  description:
    'Name of the environment variable holding the secret, read at each call. It must be set when the configuration loads: a configuration using an integration whose variable is unset is refused.',
} as const;

const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

const TEMPLATE =
  'May hold `{param}` placeholders, each replaced by the value of the source param of that name.';

const RESPONSE_SCHEMA =
  'A JSON Schema of the result (the part of the answer that `response` selects), which the configuration is checked against when it loads: a reference to a field that its `properties` do not list is refused, unless `additionalProperties` is `true` or a schema; `items` describes the items of a list. Answers are not validated against it. Without it, a field the answer lacks is null in the response and named in `_meta.warnings`.';

const operationSchema = {
  type: 'object',
  description:
    'One call of the API. A source `{ type: api, operation: <integration>.<operation> }` (or `<operation>` alone, when no other integration declares one of this name) fills its `{param}` placeholders from its own `params`: each placeholder needs a param of its name. Params that no placeholder names are sent as the JSON body of a POST, PUT or PATCH without a `body`, and as query parameters otherwise.',
  required: ['path'],
  additionalProperties: false,
  properties: {
    description: { type: 'string' },
    method: { enum: API_METHODS, default: 'GET' },
    path: {
      type: 'string',
      pattern: '^/',
      description: `Appended to base_url, e.g. \`/customers/{customer_id}\`. ${TEMPLATE} A value is URL-encoded into one path segment: a \`/\` or \`?\` in it never leaves the segment, and an empty, \`.\` or \`..\` segment is refused.`,
    },
    query: {
      type: 'object',
      description: `Query parameters. ${TEMPLATE} A value that is exactly \`{param}\` sends the param as it is (an array repeats the key, a missing value leaves the key out).`,
      propertyNames: { minLength: 1 },
      additionalProperties: {
        anyOf: [
          { type: 'string', description: 'a string' },
          { type: 'number', description: 'a number' },
          { type: 'boolean', description: 'a boolean' },
        ],
      },
    },
    headers: {
      type: 'object',
      description: `Headers of this operation, over the integration's. ${TEMPLATE} A header whose value is exactly a missing param is left out.`,
      propertyNames: { pattern: HEADER_NAME },
      additionalProperties: { type: 'string' },
    },
    body: {
      description: `The JSON body. ${TEMPLATE} A string that is exactly \`{param}\` takes the param with its type (a number, an object…).`,
    },
    response: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$',
      description:
        'Dot path of the part of the JSON answer that is the result (`data.customer`, `items.0`); the whole answer when absent. An answer without it is a 502.',
    },
    response_schema: {
      type: 'object',
      description: RESPONSE_SCHEMA,
    },
    idempotent: {
      type: 'boolean',
      description:
        'Whether a failed call may be retried. By default GET, HEAD, PUT and DELETE are, POST and PATCH are not.',
    },
  },
} as const;

const bearerAuth = {
  type: 'object',
  description: 'Sends `Authorization: Bearer <token>`.',
  required: ['token_env'],
  additionalProperties: false,
  properties: { type: { const: 'bearer' }, token_env: ENV_VARIABLE },
} as const;

const apiKeyAuth = {
  type: 'object',
  description:
    'Sends a key in a header (`header: X-API-Key`) or in the query (`in: query`, `name: api_key`).',
  required: ['key_env'],
  additionalProperties: false,
  properties: {
    type: { const: 'api_key' },
    key_env: ENV_VARIABLE,
    header: { type: 'string', pattern: HEADER_NAME, description: 'The header that carries the key.' },
    in: { const: 'query' },
    name: { type: 'string', minLength: 1, description: 'The query parameter that carries the key.' },
  },
  oneOf: [
    { description: '`header: <name>`', required: ['header'] },
    { description: '`in: query` with `name: <parameter>`', required: ['in', 'name'] },
  ],
} as const;

/**
 * The JSON Schema of one integration (a file of `integrations/`): an external HTTP API that
 * sources of type `api` call. Self-contained (no `$ref`), so that it can be embedded in the
 * configuration's schema as it is.
 */
export const apiIntegrationSchema = {
  title: 'API integration',
  description:
    'An external HTTP API that sources of type `api` call by `operation: <integration>.<operation>`, or by `operation: <operation>` alone when no other integration declares it. JSON in, JSON out.',
  type: 'object',
  required: ['base_url', 'operations'],
  additionalProperties: false,
  properties: {
    description: { type: 'string' },
    base_url: {
      type: 'string',
      pattern: '^https?://[^\\s/?#]+[^\\s?#]*$',
      description: 'Where the API is (`https://crm.internal/api/v2`); operation paths are appended to it.',
    },
    timeout_ms: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_TIMEOUT_MS,
      description: "Deadline of one attempt; a call never waits past its request's deadline either.",
    },
    response_max_bytes: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_RESPONSE_MAX_BYTES,
      description:
        'Largest answer read, in bytes (10 MB by default): past it the call fails with a 502 naming the source, and the connection is closed.',
    },
    retries: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      default: DEFAULT_RETRIES,
      description:
        'Further attempts after a transient failure (refused, timed out, 5xx), for idempotent operations only. Consecutive failures open a circuit breaker shared by all calls to the integration. A source’s own retry replaces this.',
    },
    auth: {
      type: 'object',
      description: 'How calls authenticate. Secrets are read from environment variables, never written here.',
      required: ['type'],
      properties: { type: { enum: ['bearer', 'api_key'] } },
      allOf: [
        { if: { properties: { type: { const: 'bearer' } } }, then: bearerAuth },
        { if: { properties: { type: { const: 'api_key' } } }, then: apiKeyAuth },
      ],
    },
    headers: {
      type: 'object',
      description: 'Sent with every call (no secrets: use `auth`).',
      propertyNames: { pattern: HEADER_NAME },
      additionalProperties: { type: 'string' },
    },
    operations: {
      type: 'object',
      description: 'The calls sources may make, by name.',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
      additionalProperties: operationSchema,
    },
  },
} as const;

/** The JSON Schema of one file of `integrations/`: integrations by name. */
export const apiIntegrationsFileSchema = {
  title: 'API integrations',
  description: 'integrations/<name>.yaml: external HTTP APIs that sources of type api call.',
  type: 'object',
  required: ['integrations'],
  additionalProperties: false,
  properties: {
    integrations: {
      description: 'External HTTP APIs by name.',
      type: 'object',
      propertyNames: {
        description: 'a name made of letters, digits and _, starting with a letter or _',
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      },
      additionalProperties: apiIntegrationSchema,
    },
  },
} as const;

/** The integrations of a configuration by name, as `integrations/*.yaml` declare them. */
export type ApiIntegrations = Readonly<Record<string, ApiIntegration>>;

/**
 * `integrations/*.yaml`, the section of `api` sources: the integrations of every file by name,
 * each operation's `response_schema` checked as a JSON Schema.
 */
export const apiSection: ConfigurationSection<ApiIntegrations> = {
  files: { folder: 'integrations', entries: 'integrations', entry: 'integration' },
  schema: apiIntegrationsFileSchema,
  compile(value) {
    const integrations = (value ?? {}) as ApiIntegrations;
    const problems: SectionProblem[] = Object.entries(integrations).flatMap(([name, integration]) =>
      Object.entries(integration.operations).flatMap(([operation, { response_schema: schema }]) =>
        responseSchemaProblems(schema).map((message) => ({
          path: [name, 'operations', operation, 'response_schema'],
          message: `not a JSON Schema: ${message}`,
        })),
      ),
    );
    return { compiled: integrations, problems };
  },
  summary: (integrations) => {
    const count = Object.keys(integrations).length;
    return `${count} integration${count === 1 ? '' : 's'}`;
  },
};

// Response schemas are only read for their properties and items, never compiled: checking them
// as JSON Schema documents is enough, and unknown keywords (an OpenAPI `example`) are welcome,
// which the strict mode of the one configuration would refuse.
const responseSchemas = createAjv({ strict: false });

/** What makes a `response_schema` no JSON Schema: the first thing the meta-schema finds. */
function responseSchemaProblems(schema: Record<string, unknown> | undefined): string[] {
  if (schema === undefined || responseSchemas.validateSchema(schema)) return [];
  // The meta-schema's alternatives (`type` is a name or a list of names) each add an error for the
  // same mistake; the first says it best.
  const [first] = responseSchemas.errors ?? [];
  return [first ? `${first.instancePath || '/'}: ${first.message}` : 'not a JSON Schema'];
}

/**
 * A response schema as the shape of a result: `properties` list every field of an object unless
 * `additionalProperties` is `true` or a schema (the schema describes the answer, it does not
 * merely constrain it), and `items` are a list's items. Other keywords say nothing of fields.
 */
export function resultShapeOf(schema: unknown): ResultShape {
  if (typeof schema !== 'object' || schema === null) return {};
  const { properties, additionalProperties, items } = schema as Record<string, unknown>;
  const closed = additionalProperties === undefined || additionalProperties === false;
  return {
    ...(closed &&
      typeof properties === 'object' &&
      properties !== null && {
        fields: Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [name, resultShapeOf(property)]),
        ),
      }),
    ...(typeof items === 'object' &&
      items !== null &&
      !Array.isArray(items) && { items: resultShapeOf(items) }),
  };
}
