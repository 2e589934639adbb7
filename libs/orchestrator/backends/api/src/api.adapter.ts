import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DownstreamError } from '@libs/core/http';
import { DEFAULT_RESPONSE_MAX_BYTES, DownstreamClient } from '@libs/core/resilience';
import {
  SourceAdapterFor,
  compiledSection,
  perConfiguration,
  withinSourceCall,
  type ResultShape,
  type SourceAdapter,
  type SourceCall,
  type ConfigurationSections,
  type SourceDeclarationView,
  type SourceProblem,
} from '@libs/core/sources';
import { createHash } from 'node:crypto';
import { Observable, defer, map } from 'rxjs';
import {
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  apiSection,
  resultShapeOf,
  type ApiAuth,
  type ApiIntegration,
  type ApiIntegrations,
  type ApiOperation,
} from './api-integration.schema';
import {
  buildApiRequest,
  isIdempotent,
  placeholdersOf,
  selectResponse,
  type ApiRequest,
} from './api-request.builder';

export const API_SOURCE_TYPE = 'api';

/**
 * An operation found in the configuration's integrations: `crm.get_customer` is operation
 * `get_customer` of integration `crm`, and so is `get_customer` when no other integration has one.
 */
interface ApiTarget {
  integrationName: string;
  integration: ApiIntegration;
  operationName: string;
  operation: ApiOperation;
}

/** Every call to one integration shares its client, and so its circuit breaker. */
interface IntegrationClient {
  /** Of the definition the client was made for: a reload that changes it gets a new client. */
  definitionHash: string;
  client: DownstreamClient;
}

/**
 * Sources of type `api`: calls of the external HTTP APIs declared in `integrations/*.yaml`
 * (see `apiIntegrationSchema` for the format and how a source's params fill a call).
 */
@Injectable()
@SourceAdapterFor(API_SOURCE_TYPE)
export class ApiSourceAdapter implements SourceAdapter {
  readonly type = API_SOURCE_TYPE;
  readonly section = apiSection;
  private readonly clients = new Map<string, IntegrationClient>();
  private readonly clientsByDefinition = new WeakMap<ApiIntegration, DownstreamClient>();

  constructor(
    private readonly http: HttpService,
    private readonly config: ConfigService,
  ) {}

  validate(source: SourceDeclarationView, sections: ConfigurationSections): SourceProblem[] {
    const found = findTarget(source.operation, sections);
    if ('problems' in found) return found.problems.map((message) => ({ path: ['operation'], message }));
    const { integrationName, integration, operationName, operation } = found;
    const problems: SourceProblem[] = [];
    const variable = integration.auth && secretVariableOf(integration.auth);
    if (variable && this.secret(variable) === undefined) {
      problems.push({
        path: ['operation'],
        message: `integration ${integrationName} reads its credential from the environment variable ${variable}, which is not set`,
      });
    }
    for (const [param, places] of placeholdersOf(operation)) {
      if (!(param in source.params)) {
        problems.push({
          path: ['params'],
          message: `operation ${integrationName}.${operationName} needs param ${param} (in its ${places.join(' and ')}), which the source does not give`,
        });
      }
    }
    return problems;
  }

  /** What the operation's `response_schema` says of its result; nothing without one. */
  async describeResult(
    source: SourceDeclarationView,
    sections: ConfigurationSections,
  ): Promise<ResultShape | undefined> {
    const found = findTarget(source.operation, sections);
    const schema = 'operation' in found ? found.operation.response_schema : undefined;
    return schema && resultShapeOf(schema);
  }

  idempotent(source: SourceDeclarationView, sections: ConfigurationSections): boolean {
    const found = findTarget(source.operation, sections);
    return 'operation' in found && isIdempotent(found.operation);
  }

  /**
   * One call of the operation, under the integration's timeout and retries and never past the
   * request's deadline. Answers the selected part of the JSON response (`null` for none).
   */
  execute(call: SourceCall): Observable<unknown> {
    return defer(() => {
      const found = findTarget(call.operation, call.context.sections);
      // A configuration that loaded was validated, so only code calling the adapter directly gets here.
      if ('problems' in found) throw new Error(`source ${call.source}: ${found.problems.join('; ')}`);
      const { integrationName, integration, operation } = found;
      const request = buildApiRequest(call.source, operation, call.params);
      request.headers = { ...integration.headers, ...request.headers };
      if (integration.auth) this.authenticate(integrationName, integration.auth, request);
      return this.clientFor(integrationName, integration)
        .request<unknown>(
          request,
          call.context,
          { idempotent: isIdempotent(operation) },
        )
        .pipe(map((answer) => this.selected(integrationName, operation, answer)));
    }).pipe(withinSourceCall(call, call.operation ?? API_SOURCE_TYPE));
  }

  private authenticate(integrationName: string, auth: ApiAuth, request: ApiRequest): void {
    const variable = secretVariableOf(auth);
    const secret = this.secret(variable);
    if (secret === undefined) {
      throw new DownstreamError(
        integrationName,
        'unavailable',
        `${integrationName} cannot be called: the environment variable ${variable} holding its credential is not set`,
      );
    }
    if (auth.type === 'bearer') request.headers['Authorization'] = `Bearer ${secret}`;
    else if ('header' in auth) request.headers[auth.header] = secret;
    else request.params.set(auth.name, secret);
  }

  private selected(integrationName: string, operation: ApiOperation, answer: unknown): unknown {
    // An empty body (a 204, a HEAD) arrives as an empty string.
    const body = answer === '' ? null : answer;
    const selected = selectResponse(body, operation.response);
    if (selected === undefined) {
      throw new DownstreamError(
        integrationName,
        'bad-gateway',
        `${integrationName} answered without ${operation.response}`,
      );
    }
    return selected;
  }

  /**
   * The integration's client: one per definition, found by the (per configuration) parsed
   * definition itself on the hot path; a reload that leaves a definition unchanged keeps its
   * client, breaker state and all, which its hash tells.
   */
  private clientFor(integrationName: string, integration: ApiIntegration): DownstreamClient {
    const known = this.clientsByDefinition.get(integration);
    if (known) return known;
    const definitionHash = createHash('sha256').update(JSON.stringify(integration)).digest('hex');
    const cached = this.clients.get(integrationName);
    if (cached?.definitionHash === definitionHash) {
      this.clientsByDefinition.set(integration, cached.client);
      return cached.client;
    }
    const client = new DownstreamClient(this.http.axiosRef, {
      name: integrationName,
      url: integration.base_url.replace(/\/+$/, ''),
      required: true,
      responseMaxBytes: integration.response_max_bytes ?? DEFAULT_RESPONSE_MAX_BYTES,
      resilience: {
        timeoutMs: integration.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        retries: integration.retries ?? DEFAULT_RETRIES,
        retryBaseDelayMs: 100,
        retryMaxDelayMs: 2_000,
        breakerThreshold: 5,
        breakerResetMs: 10_000,
      },
    });
    this.clients.set(integrationName, { definitionHash, client });
    this.clientsByDefinition.set(integration, client);
    return client;
  }

  private secret(variable: string): string | undefined {
    return this.config.get<string>(variable) || undefined;
  }
}

const secretVariableOf = (auth: ApiAuth): string => (auth.type === 'bearer' ? auth.token_env : auth.key_env);

type FoundTarget = ApiTarget | { problems: string[] };

/** Each operation is found once per configuration. */
const findTarget = perConfiguration(resolveTarget);

/** The integrations as the loader compiled them; a configuration without integrations/ has none. */
const integrationsOf = (sections: ConfigurationSections): ApiIntegrations =>
  compiledSection<ApiIntegrations>(sections, API_SOURCE_TYPE) ?? {};

function resolveTarget(operation: string | undefined, sections: ConfigurationSections): FoundTarget {
  const integrations = integrationsOf(sections);
  const known = Object.keys(integrations);
  const declares = known.length
    ? `integrations/ declares: ${known.join(', ')}`
    : 'integrations/ declares none';
  const separator = operation?.lastIndexOf('.') ?? -1;
  if (operation === undefined || separator === 0 || separator === operation.length - 1) {
    return {
      problems: [
        `an api source names its operation as <integration>.<operation>, e.g. crm.get_customer, or as <operation> alone when one integration has it (got ${operation ?? 'none'})`,
      ],
    };
  }
  if (separator === -1) return findOwner(operation, integrations);
  const integrationName = operation.slice(0, separator);
  const operationName = operation.slice(separator + 1);
  if (!Object.hasOwn(integrations, integrationName)) {
    return { problems: [`unknown integration ${integrationName}; ${declares}`] };
  }
  const integration = integrations[integrationName];
  const operations = Object.keys(integration.operations);
  if (!operations.includes(operationName)) {
    return {
      problems: [
        `integration ${integrationName} has no operation ${operationName}; its operations: ${operations.join(', ')}`,
      ],
    };
  }
  return { integrationName, integration, operationName, operation: integration.operations[operationName] };
}

/** An operation named without its integration: the one integration that declares it. */
function findOwner(operationName: string, integrations: ApiIntegrations): ApiTarget | { problems: string[] } {
  const owners: ApiTarget[] = [];
  const offered: string[] = [];
  for (const [integrationName, integration] of Object.entries(integrations)) {
    offered.push(...Object.keys(integration.operations).map((name) => `${integrationName}.${name}`));
    if (Object.hasOwn(integration.operations, operationName)) {
      owners.push({
        integrationName,
        integration,
        operationName,
        operation: integration.operations[operationName],
      });
    }
  }
  if (owners.length === 1) return owners[0];
  if (owners.length === 0) {
    return {
      problems: [
        `no integration has an operation ${operationName}; ${offered.length ? `the operations of integrations/: ${offered.join(', ')}` : 'integrations/ declares none'}`,
      ],
    };
  }
  const names = owners.map(({ integrationName }) => integrationName);
  return {
    problems: [
      `operation ${operationName} is declared by integrations ${names.join(' and ')}; expected one of: ${names.map((name) => `${name}.${operationName}`).join(', ')}`,
    ],
  };
}
