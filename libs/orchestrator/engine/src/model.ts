import type { ConfigurationSections } from '@libs/core/sources';
import type { ValidateFunction } from 'ajv';
import type { ExecutionPlan } from './execution/execution.plan';

/**
 * The engine's model of a configuration directory, once loaded and validated. Every object is
 * frozen: a reload builds a new snapshot and swaps it in whole; nothing mutates a live one.
 */

/** Where something is declared in a configuration file, for error messages and traces. */
export interface FilePosition {
  /** Relative to the configuration directory, e.g. `domains/customers.yaml`. */
  file: string;
  line: number;
  column: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Where a declared request parameter is read from. */
export type ParameterLocation = 'path' | 'query' | 'body' | 'header';
/** `file` is a part of a multipart/form-data body (`in: body`). */
export type ParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'file';

export interface RequestParameter {
  name: string;
  in: ParameterLocation;
  type: ParameterType;
  required: boolean;
  description?: string;
  /** Extra JSON Schema keywords (enum, minimum, pattern…) applied as they are. */
  schema?: Record<string, unknown>;
}

export interface ForeachDefinition {
  /** A reference to an array, e.g. `$request.customer_ids` or `$orders.items`. */
  items: string;
  /** The name each item is referred to by in the source's params (`$item.id` by default). */
  as: string;
  /** Calls in flight at once. */
  concurrency: number;
}

export interface RetryDefinition {
  /** Further attempts after the first. */
  attempts: number;
  /** First backoff delay; later ones grow exponentially. */
  backoffMs: number;
}

export interface SourceDefinition {
  name: string;
  type: string;
  operation?: string;
  /** Values may hold references: a string that is exactly `$source.path`, or embeds `${source.path}`. */
  params: Record<string, unknown>;
  timeoutMs?: number;
  retry?: RetryDefinition;
  optional: boolean;
  /** The result used when an optional source fails or is skipped. */
  default?: unknown;
  /** A JSONata condition over the references; a false value skips the source. */
  when?: string;
  foreach?: ForeachDefinition;
  cache?: { ttlSeconds: number };
  /** A JSONata expression applied to the source's result (`$` is the result). */
  transform?: string;
  /** The names of the sources this one reads (derived from its references). */
  dependsOn: string[];
  location: FilePosition;
}

export interface EndpointDefinition {
  /** The endpoint's name, unique within its domain (`get_customer_360`). */
  name: string;
  domain: string;
  description?: string;
  endpointType: string;
  method: HttpMethod;
  /** Express-style path with `:param` segments (`/customers/:customer_id/360`). */
  path: string;
  request: RequestParameter[];
  sources: SourceDefinition[];
  primarySource?: string;
  /** A template whose strings may hold references; null returns the primary source's result. */
  responseMapping: unknown;
  /** A JSONata expression applied to the mapped response. */
  transform?: string;
  /** Request fields whose values are redacted in execution records. */
  sensitive: string[];
  location: FilePosition;
}

/**
 * An endpoint as it serves, compiled once when its configuration loads (`compileEndpoints`):
 * a request is matched, validated and run by what is here, and nothing is parsed, compiled or
 * planned for it. Frozen with its snapshot.
 */
export interface CompiledEndpoint {
  readonly definition: EndpointDefinition;
  /** The path parameters when `path` is the endpoint's route, else undefined. */
  readonly matchPath: (path: string) => Record<string, string> | undefined;
  /** Coerces a request's params to their declared types in place, applying defaults; its `errors` say what is wrong. */
  readonly validateRequest: ValidateFunction;
  readonly plan: ExecutionPlan;
}

/**
 * What tells an endpoint apart from every other (`customers.get_customer_360`): two domains may
 * both name one `get_customer`. Execution records, OpenAPI operations and messages use it.
 */
export const qualifiedName = ({ domain, name }: Pick<EndpointDefinition, 'domain' | 'name'>): string =>
  `${domain}.${name}`;

/** The `settings` of `config.yaml`, defaults applied. */
export interface EngineSettings {
  /** Time budget of one request to a YAML endpoint. */
  requestDeadlineMs: number;
  /** Already applied to every source without a `timeout` (as its `timeoutMs`). */
  defaultTimeoutMs: number;
  /** Already added to every endpoint's `sensitive`. */
  sensitiveFields: string[];
  /** Name of the environment variable holding the token of the admin routes. */
  adminTokenEnv: string;
  /** Name of the environment variable holding the read-only token of execution records. */
  readTokenEnv: string;
}

export interface ConfigurationSnapshot {
  /** Content hash of the files it was loaded from: the same files give the same version. */
  version: string;
  loadedAt: string;
  directory: string;
  settings: EngineSettings;
  sections: ConfigurationSections;
  /** What each source type's section declares, in a few words (`2 integrations`). */
  summaries: readonly string[];
  endpoints: readonly CompiledEndpoint[];
}

/** One problem found while loading a configuration. */
export interface ConfigurationProblem extends Partial<FilePosition> {
  message: string;
}

export type SourceStatus = 'ok' | 'failed' | 'degraded' | 'skipped';

/** What happened to one source during one execution. */
export interface SourceTrace {
  /**
   * The qualified name of the endpoint the source belongs to: set in execution records, where
   * a composite's sources come from every endpoint it ran.
   */
  endpoint?: string;
  name: string;
  type: string;
  operation?: string;
  /** Resolved params, with sensitive fields redacted. */
  params?: Record<string, unknown>;
  startedAt?: string;
  durationMs?: number;
  attempts: number;
  cacheHit: boolean;
  status: SourceStatus;
  /** `message` as the client was told; `detail`, what the downstream said (cut short, secrets masked). */
  error?: { statusCode: number; message: string; detail?: string };
  /** What the adapter reported beyond the result (`SourceCallContext.annotate`). */
  details?: Record<string, unknown>;
}

export type ExecutionStatus = 'ok' | 'degraded' | 'failed';

export interface ExecutionRecord {
  id: string;
  requestId: string;
  /** The endpoint's qualified name, `<domain>.<name>`. */
  endpoint: string;
  configVersion: string;
  startedAt: string;
  durationMs: number;
  status: ExecutionStatus;
  statusCode: number;
  /** Optional sources that failed and were replaced by their default. */
  degraded: string[];
  sources: SourceTrace[];
  /** Mapped fields that found no value in a source that answered (null in the response). */
  warnings: string[];
  /** The trace the execution ran in (`traceresponse`), when the orchestrator is traced. */
  traceId?: string;
}
