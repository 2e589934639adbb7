import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { qualifiedName, type EndpointDefinition } from '../model';
import { ConfigurationState } from './configuration.state';
import { requestSchemaOf } from '../config/endpoint.compiler';
import { CONFIG_VERSION_HEADER, DEGRADED_SOURCES_HEADER, EXECUTION_ID_HEADER } from './execution.recorder';
import { TRACE_QUERY } from './execution.response';

/** The headers of an answer that ran as a recorded execution: a YAML endpoint's, or a composite's. */
export const EXECUTION_RESPONSE_HEADERS = {
  [EXECUTION_ID_HEADER]: {
    schema: { type: 'string' },
    description: 'The execution id (GET /executions/{id})',
  },
  [CONFIG_VERSION_HEADER]: {
    schema: { type: 'string' },
    description: 'The configuration version that served it',
  },
  [DEGRADED_SOURCES_HEADER]: {
    schema: { type: 'string' },
    description: 'Optional sources that failed (in a composite, each as <domain>.<name>.<source>)',
  },
};

const ENVELOPE = { $ref: '#/components/schemas/ErrorEnvelopeDto' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ENVELOPE } },
});

/**
 * The YAML endpoints in the OpenAPI document, computed from the live configuration on every
 * request for the document, so that `/docs` shows a reload at once.
 */
@Injectable()
export class EndpointDocumentation {
  constructor(private readonly state: ConfigurationState) {}

  extend(document: OpenAPIObject): OpenAPIObject {
    const paths = { ...document.paths };
    for (const { definition: endpoint } of this.state.current.snapshot.endpoints) {
      const path = endpoint.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
      paths[path] = { ...paths[path], [endpoint.method.toLowerCase()]: operationOf(endpoint) };
    }
    return { ...document, paths };
  }
}

function operationOf(endpoint: EndpointDefinition) {
  const schema = openApi30Schema(requestSchemaOf(endpoint)) as {
    properties: Record<string, unknown>;
    required: string[];
  };
  const body = endpoint.request.filter((parameter) => parameter.in === 'body');
  const multipart = body.some((parameter) => parameter.type === 'file');
  const bodySchema = {
    type: 'object',
    properties: Object.fromEntries(
      body.map((parameter) => [
        parameter.name,
        parameter.type === 'file'
          ? { type: 'string', format: 'binary', description: parameter.description }
          : { ...(schema.properties[parameter.name] as object), description: parameter.description },
      ]),
    ),
    required: body.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
  return {
    tags: [endpoint.domain],
    // Two domains may both have a `get_customer`; an operation id is unique in the document.
    operationId: qualifiedName(endpoint),
    summary: endpoint.description ?? endpoint.name,
    description: `Declared in ${endpoint.location.file}: sources ${endpoint.sources.map((source) => `${source.name} (${source.type})`).join(', ')}.`,
    parameters: [
      ...endpoint.request
        .filter((parameter) => parameter.in !== 'body')
        .map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: parameter.in === 'path' || parameter.required,
          description: parameter.description,
          schema: schema.properties[parameter.name],
        })),
      {
        name: TRACE_QUERY,
        in: 'query',
        required: false,
        description: 'true: the execution trace of every source in `_meta`',
        schema: { type: 'boolean' },
      },
    ],
    ...(body.length > 0
      ? {
          requestBody: {
            required: true,
            content: { [multipart ? 'multipart/form-data' : 'application/json']: { schema: bodySchema } },
          },
        }
      : {}),
    responses: {
      200: {
        description:
          'The mapped response; `_meta` lists degraded sources and mapped fields that found no value (`warnings`), or the trace when asked for',
        headers: EXECUTION_RESPONSE_HEADERS,
        content: { 'application/json': { schema: responseSchemaOf(endpoint.responseMapping) } },
      },
      400: errorResponse('Invalid request parameters; every invalid field is listed'),
      404: errorResponse('A source found nothing'),
      502: errorResponse('A source failed or answered something unreadable; `source` names it'),
      503: errorResponse('A source is unavailable; `source` names it'),
      504: errorResponse('A source did not answer in time; `source` names it'),
    },
  };
}

/** The response's shape as far as the mapping template tells it: its keys, nested. */
function responseSchemaOf(mapping: unknown): Record<string, unknown> {
  if (mapping === null || mapping === undefined) return { description: "The primary source's result" };
  if (Array.isArray(mapping))
    return { type: 'array', items: mapping.length > 0 ? responseSchemaOf(mapping[0]) : {} };
  if (typeof mapping === 'object') {
    return {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(mapping).map(([key, value]) => [key, responseSchemaOf(value)]),
      ),
    };
  }
  return typeof mapping === 'string' && mapping.startsWith('$') ? { description: `from ${mapping}` } : {};
}

/** Keywords whose value is a schema or a list of schemas. */
const SUBSCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf']);

/**
 * A request parameter's JSON Schema (draft-07, as Ajv validates it) in the dialect of
 * OpenAPI 3.0, which the document declares and its validators enforce: there
 * `exclusiveMinimum`/`exclusiveMaximum` are booleans beside `minimum`/`maximum`, and `const` is
 * a one-value `enum`.
 */
export function openApi30Schema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApi30Schema);
  if (schema === null || typeof schema !== 'object') return schema;
  const converted: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if ((keyword === 'exclusiveMinimum' || keyword === 'exclusiveMaximum') && typeof value === 'number') {
      converted[keyword === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      converted[keyword] = true;
    } else if (keyword === 'const') {
      converted['enum'] = [value];
    } else if (keyword === 'properties' && value !== null && typeof value === 'object') {
      converted[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, openApi30Schema(property)]),
      );
    } else if (SUBSCHEMA_KEYWORDS.has(keyword)) {
      converted[keyword] = openApi30Schema(value);
    } else {
      converted[keyword] = value;
    }
  }
  return converted;
}
