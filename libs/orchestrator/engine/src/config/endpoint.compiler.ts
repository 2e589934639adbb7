import { createAjv } from '@libs/core/config';
import { match } from 'path-to-regexp';
import { planExecution, type EndpointExpressions } from '../execution/execution.plan';
import type { CompiledEndpoint, EndpointDefinition, RequestParameter } from '../model';

const JSON_TYPES: Record<RequestParameter['type'], string | undefined> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  // A file part is not JSON: the multipart reader checks it.
  file: undefined,
};

/** The JSON Schema of an endpoint's request: one property per declared parameter. */
export function requestSchemaOf(endpoint: EndpointDefinition): Record<string, unknown> {
  const parameters = endpoint.request.filter((parameter) => parameter.type !== 'file');
  return {
    type: 'object',
    properties: Object.fromEntries(
      parameters.map((parameter) => [
        parameter.name,
        { type: JSON_TYPES[parameter.type], ...(parameter.schema ?? {}) },
      ]),
    ),
    required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}

/** An endpoint the loader accepted, with the expressions it parsed while checking it. */
export interface AcceptedEndpoint {
  definition: EndpointDefinition;
  expressions: EndpointExpressions;
}

/**
 * The one compile step of a configuration's endpoints, run by the loader once the configuration
 * is valid and before it serves: each endpoint gets its route matcher, its request validator and
 * its execution plan, so that a request only runs what was compiled here. The validators share
 * one Ajv instance of the configuration's own, which goes when the configuration goes.
 */
export function compileEndpoints(endpoints: readonly AcceptedEndpoint[]): CompiledEndpoint[] {
  // Not a check of a format but the adaptation of a request to its endpoint's: path, query and
  // header values arrive as text and are coerced to their declared types, absent ones take
  // their defaults. The parameters' schemas were compiled strictly as they were read (endpoint.reader).
  const ajv = createAjv({ coerceTypes: true, useDefaults: true, strict: false });
  return endpoints.map(({ definition, expressions }) => {
    const matchPath = match<Record<string, string>>(definition.path, { decode: decodeURIComponent });
    return {
      definition,
      matchPath: (path: string) => {
        const found = matchPath(path);
        return found ? found.params : undefined;
      },
      validateRequest: ajv.compile(requestSchemaOf(definition)),
      plan: planExecution(definition, expressions),
    };
  });
}
