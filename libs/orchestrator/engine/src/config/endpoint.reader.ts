import { createAjv } from '@libs/core/config';
import type {
  ConfigurationProblem,
  EndpointDefinition,
  EngineSettings,
  HttpMethod,
  ParameterLocation,
  ParameterType,
  RequestParameter,
  SourceDefinition,
} from '../model';
import type { EndpointExpressions, SourceExpressions } from '../execution/execution.plan';
import { referencesIn, wholeReference } from '../references';
import type { ConfigurationFile, ValuePath } from './configuration.file';
import { analyseExpression, isJsonataFunction, type AnalysedExpression } from './jsonata.references';

/** An endpoint as a domain file declares it (snake_case), once it matches the schema. */
export interface EndpointDeclaration {
  description?: string;
  endpoint_type?: string;
  path?: string;
  method?: HttpMethod;
  request?: Record<string, RequestParameterDeclaration>;
  data_sources: SourceDeclaration[];
  primary_source?: string;
  response_mapping?: unknown;
  transform?: string;
  sensitive?: string[];
}

interface RequestParameterDeclaration {
  in?: ParameterLocation;
  type?: ParameterType;
  required?: boolean;
  description?: string;
  [keyword: string]: unknown;
}

interface SourceDeclaration {
  name: string;
  type: string;
  operation?: string;
  description?: string;
  params?: Record<string, unknown>;
  timeout?: number;
  retry?: { attempts: number; backoff_ms?: number };
  optional?: boolean;
  default?: unknown;
  when?: string;
  foreach?: { items: string; as?: string; concurrency?: number };
  cache?: { ttl: number };
  transform?: string;
}

export interface EndpointReading {
  definition: EndpointDefinition;
  /** Its JSONata expressions, parsed here once: the loader's checks read them, its plan runs them. */
  expressions: EndpointExpressions<AnalysedExpression>;
  problems: ConfigurationProblem[];
}

export const DEFAULT_ENDPOINT_TYPE = 'composite';
export const DEFAULT_BACKOFF_MS = 100;
export const DEFAULT_FOREACH_AS = 'item';
export const DEFAULT_FOREACH_CONCURRENCY = 4;

const REQUEST = 'request';
const BODY_METHODS: readonly HttpMethod[] = ['POST', 'PUT', 'PATCH'];
const PATH_SEGMENT = /:([A-Za-z_][A-Za-z0-9_]*)/g;

// Request parameters' extra JSON Schema keywords are compiled as the HTTP layer will, so that a
// keyword that does not apply to the parameter's type is refused before it serves.
const parameterSchemas = createAjv();

/**
 * Turns one endpoint of a domain file into its definition: defaults applied, references and
 * expressions checked, each source's `dependsOn` derived from what it reads, cycles refused.
 * An endpoint without a `request` block declares the parameters its references read
 * (`$request.customer_id`): each a required string, in the path when the path names it, else in
 * the query of a GET or DELETE and in the body of the other methods.
 */
export function readEndpoint(
  file: ConfigurationFile,
  domain: string,
  name: string,
  declaration: EndpointDeclaration,
  settings: EngineSettings,
): Promise<EndpointReading> {
  return new EndpointReader(file, domain, name, declaration, settings).read();
}

class EndpointReader {
  private readonly problems: ConfigurationProblem[] = [];
  private readonly at: ValuePath;
  private readonly sourceNames: string[];
  /** What references may start with: the request and the sources. */
  private readonly roots: string[];
  /** Declared request parameters; undefined when the references declare them. */
  private readonly requestNames?: string[];
  /** The request fields the references read (`$request.customer_id` reads `customer_id`), in order. */
  private readonly requestFields = new Set<string>();

  constructor(
    private readonly file: ConfigurationFile,
    private readonly domain: string,
    private readonly name: string,
    private readonly declaration: EndpointDeclaration,
    private readonly settings: EngineSettings,
  ) {
    this.at = ['endpoints', name];
    this.sourceNames = declaration.data_sources.map((source) => source.name);
    this.roots = [...new Set([REQUEST, ...this.sourceNames])];
    this.requestNames = declaration.request && Object.keys(declaration.request);
  }

  async read(): Promise<EndpointReading> {
    const { declaration } = this;
    const declared = this.readRequest();
    const sources: SourceDefinition[] = [];
    const sourceExpressions: SourceExpressions<AnalysedExpression>[] = [];
    for (const [index, source] of declaration.data_sources.entries()) {
      const read = await this.readSource(source, index);
      sources.push(read.definition);
      sourceExpressions.push(read.expressions);
    }
    this.checkSourceNames();
    this.checkCycles(sources);
    const primarySource = this.primarySource();
    const responseMapping = declaration.response_mapping ?? null;
    this.checkTemplate(responseMapping, [...this.at, 'response_mapping'], this.roots);
    const transform =
      declaration.transform === undefined
        ? undefined
        : await this.checkExpression(
            declaration.transform,
            [...this.at, 'transform'],
            'transform',
            this.roots,
          );
    const { method, path } = this.route(declared);
    const request = this.requestNames ? declared : this.implicitRequest(method, path);
    const definition: EndpointDefinition = {
      name: this.name,
      domain: this.domain,
      ...(declaration.description !== undefined && { description: declaration.description }),
      endpointType: declaration.endpoint_type ?? DEFAULT_ENDPOINT_TYPE,
      method,
      path,
      request,
      sources,
      ...(primarySource !== undefined && { primarySource }),
      responseMapping,
      ...(declaration.transform !== undefined && { transform: declaration.transform }),
      sensitive: [...new Set([...(declaration.sensitive ?? []), ...this.settings.sensitiveFields])],
      location: this.file.location(this.at, { key: true }),
    };
    const expressions = { sources: sourceExpressions, transform: transform?.analysed };
    return { definition, expressions, problems: this.problems };
  }

  /** The parameters of an endpoint without a `request` block: the fields its references read. */
  private implicitRequest(method: HttpMethod, path: string): RequestParameter[] {
    const inPath = [...path.matchAll(PATH_SEGMENT)].map((match) => match[1]);
    const elsewhere: ParameterLocation = BODY_METHODS.includes(method) ? 'body' : 'query';
    // Every path segment is a parameter, read or not: the route cannot match without it.
    return [...new Set([...inPath, ...this.requestFields])].map((name) => ({
      name,
      in: inPath.includes(name) ? 'path' : elsewhere,
      type: 'string',
      required: true,
    }));
  }

  private readRequest(): RequestParameter[] {
    return Object.entries(this.declaration.request ?? {}).map(([name, declared]) => {
      const { in: location = 'query', type = 'string', required, description, ...schema } = declared;
      this.checkParameterSchema(name, type, schema);
      return {
        name,
        in: location,
        type,
        // A route cannot match without its path parameters.
        required: location === 'path' || (required ?? false),
        ...(description !== undefined && { description }),
        ...(Object.keys(schema).length > 0 && { schema }),
      };
    });
  }

  private checkParameterSchema(name: string, type: ParameterType, keywords: Record<string, unknown>): void {
    if (type === 'file' || Object.keys(keywords).length === 0) return;
    const schema = { type, ...keywords };
    try {
      parameterSchemas.compile(schema);
    } catch (error) {
      this.report(
        [...this.at, 'request', name],
        `request parameter "${name}" has an invalid schema: ${(error as Error).message}; expected JSON Schema keywords that apply to a ${type}`,
        { key: true },
      );
    } finally {
      // Ajv keeps what it compiled; every reload would otherwise add its schemas.
      parameterSchemas.removeSchema(schema);
    }
  }

  private async readSource(
    source: SourceDeclaration,
    index: number,
  ): Promise<{ definition: SourceDefinition; expressions: SourceExpressions<AnalysedExpression> }> {
    const at = [...this.at, 'data_sources', index];
    const { roots } = this;
    const as = source.foreach && (source.foreach.as ?? DEFAULT_FOREACH_AS);
    if (as !== undefined && roots.includes(as)) {
      this.report(
        [...at, 'foreach', source.foreach?.as === undefined ? 'items' : 'as'],
        `foreach item name "${as}" hides ${as === REQUEST ? 'the request' : `the source "${as}"`}; expected another name in foreach.as`,
      );
    }
    const params = source.params ?? {};
    const read = [
      ...this.checkTemplate(params, [...at, 'params'], as === undefined ? roots : [...roots, as]),
      ...(source.foreach ? this.checkTemplate(source.foreach.items, [...at, 'foreach', 'items'], roots) : []),
    ];
    const when =
      source.when === undefined
        ? undefined
        : await this.checkExpression(source.when, [...at, 'when'], 'when', roots);
    // The transform reads the other sources too, so they must have answered before it runs.
    const transform =
      source.transform === undefined
        ? undefined
        : await this.checkExpression(source.transform, [...at, 'transform'], 'transform', roots);
    read.push(...(when?.read ?? []), ...(transform?.read ?? []));
    const definition: SourceDefinition = {
      name: source.name,
      type: source.type,
      ...(source.operation !== undefined && { operation: source.operation }),
      params,
      timeoutMs: source.timeout ?? this.settings.defaultTimeoutMs,
      ...(source.retry && {
        retry: { attempts: source.retry.attempts, backoffMs: source.retry.backoff_ms ?? DEFAULT_BACKOFF_MS },
      }),
      optional: source.optional ?? false,
      ...('default' in source && { default: source.default }),
      ...(source.when !== undefined && { when: source.when }),
      ...(source.foreach && {
        foreach: {
          items: source.foreach.items,
          as: as ?? DEFAULT_FOREACH_AS,
          concurrency: source.foreach.concurrency ?? DEFAULT_FOREACH_CONCURRENCY,
        },
      }),
      ...(source.cache && { cache: { ttlSeconds: source.cache.ttl } }),
      ...(source.transform !== undefined && { transform: source.transform }),
      dependsOn: this.sourceNames.filter((name) => read.includes(name)),
      location: this.file.location(at),
    };
    return { definition, expressions: { when: when?.analysed, transform: transform?.analysed } };
  }

  private checkSourceNames(): void {
    const first = new Map<string, number>();
    for (const [index, name] of this.sourceNames.entries()) {
      const at = [...this.at, 'data_sources', index, 'name'];
      if (name === REQUEST) {
        this.report(at, `source name "request" is reserved for the request; expected another name`);
      }
      const earlier = first.get(name);
      if (earlier === undefined) {
        first.set(name, index);
      } else {
        const { line, column } = this.file.location([...this.at, 'data_sources', earlier, 'name']);
        this.report(
          at,
          `duplicate source name "${name}" (first declared at ${line}:${column}); expected each source of endpoint "${this.name}" to have its own name`,
        );
      }
    }
  }

  /**
   * Reports each dependency cycle once, from the first of its sources in declaration order. This
   * is the one place cycles are looked for: the execution plan trusts an endpoint that loaded.
   */
  private checkCycles(sources: SourceDefinition[]): void {
    const byName = new Map(sources.map((source) => [source.name, source]));
    const state = new Map<string, 'visiting' | 'done'>();
    const reported = new Set<string>();
    const visit = (source: SourceDefinition, stack: string[]): void => {
      state.set(source.name, 'visiting');
      stack.push(source.name);
      for (const input of source.dependsOn) {
        if (state.get(input) === 'visiting') {
          const cycle = stack.slice(stack.indexOf(input));
          const identity = [...cycle].sort().join('\0');
          if (reported.has(identity)) continue;
          reported.add(identity);
          this.report(
            ['endpoints', this.name, 'data_sources', this.sourceNames.indexOf(cycle[0])],
            `dependency cycle: ${[...cycle, input].join(' → ')}; expected sources that do not wait for each other in a loop`,
          );
        } else if (!state.has(input)) {
          visit(byName.get(input) as SourceDefinition, stack);
        }
      }
      stack.pop();
      state.set(source.name, 'done');
    };
    for (const source of sources) if (!state.has(source.name)) visit(source, []);
  }

  private primarySource(): string | undefined {
    const { primary_source: declared, response_mapping: mapping } = this.declaration;
    if (declared !== undefined) {
      if (!this.sourceNames.includes(declared)) {
        this.report(
          [...this.at, 'primary_source'],
          `primary_source "${declared}" is not a source of endpoint "${this.name}"; expected one of: ${[...new Set(this.sourceNames)].join(', ')}`,
        );
      }
      return declared;
    }
    if (this.sourceNames.length === 1) return this.sourceNames[0];
    if (mapping === undefined || mapping === null) {
      this.report(
        this.at,
        `endpoint "${this.name}" has neither a response_mapping nor a primary_source; expected a primary_source naming the source whose result is the response, or a response_mapping`,
        { key: true },
      );
    }
    return undefined;
  }

  /**
   * The route: the declared path (`{name}` segments become `:name`) or
   * `/<domain>/<endpoint-name>/:<path param>…`, and the declared method or GET, POST when a
   * parameter is in the body.
   */
  private route(request: RequestParameter[]): { method: HttpMethod; path: string } {
    const { path: declaredPath, method: declaredMethod } = this.declaration;
    const inPath = request.filter((parameter) => parameter.in === 'path');
    const path =
      declaredPath?.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1') ??
      [`/${this.domain}/${this.name.replace(/_/g, '-')}`, ...inPath.map(({ name }) => `:${name}`)].join('/');
    const inBody = request.filter((parameter) => parameter.in === 'body');
    const method = declaredMethod ?? (inBody.length > 0 ? 'POST' : 'GET');
    if (this.requestNames && declaredPath !== undefined) {
      const segments = [...path.matchAll(PATH_SEGMENT)].map((match) => match[1]);
      for (const segment of segments.filter((name) => !inPath.some((parameter) => parameter.name === name))) {
        this.report(
          [...this.at, 'path'],
          `path parameter ":${segment}" is not declared; expected a request parameter "${segment}" with in: path`,
        );
      }
      for (const parameter of inPath.filter(({ name }) => !segments.includes(name))) {
        this.report(
          [...this.at, 'request', parameter.name, 'in'],
          `request parameter "${parameter.name}" is in the path, but path ${path} has no :${parameter.name} segment; expected the path to contain :${parameter.name}`,
        );
      }
    }
    if (!BODY_METHODS.includes(method)) {
      for (const parameter of inBody) {
        this.report(
          [...this.at, 'request', parameter.name, 'in'],
          `request parameter "${parameter.name}" is in the body of a ${method} endpoint; expected method ${BODY_METHODS.join(', ')} or a parameter in the path or query`,
        );
      }
    }
    return { method, path };
  }

  /** Checks the references of a declared value; answers the roots it reads. */
  private checkTemplate(value: unknown, path: ValuePath, roots: readonly string[]): string[] {
    const read: string[] = [];
    forEachString(value, path, (text, at) => {
      for (const malformed of malformedReferences(text)) {
        this.report(
          at,
          `malformed reference "${malformed}"; expected $name followed by .field or [index] steps, or \${name.field} inside text`,
        );
      }
      for (const reference of referencesIn(text)) {
        if (this.checkReference(reference.root, reference.path[0], reference.text, at, roots)) {
          read.push(reference.root);
        }
      }
    });
    return read;
  }

  /**
   * Checks a JSONata expression and what it reads; answers the roots it reads and, when it is
   * valid, the expression parsed.
   */
  private async checkExpression(
    text: string,
    path: ValuePath,
    field: string,
    roots: readonly string[],
  ): Promise<{ read: string[]; analysed?: AnalysedExpression }> {
    const analysis = analyseExpression(text);
    if (!analysis.valid) {
      const where = analysis.position === undefined ? '' : ` at character ${analysis.position}`;
      this.report(
        path,
        `invalid JSONata in ${field}: ${analysis.message}${where}; expected a JSONata expression`,
      );
      return { read: [] };
    }
    const read: string[] = [];
    const reported = new Set<string>();
    for (const { name, field: first } of analysis.variables) {
      const text = first === undefined ? `$${name}` : `$${name}.${first}`;
      if (roots.includes(name)) {
        if (!reported.has(text) && this.checkReference(name, first, text, path, roots)) read.push(name);
        reported.add(text);
      } else if (!reported.has(name) && !(await isJsonataFunction(name))) {
        reported.add(name);
        this.report(
          path,
          `unknown reference "$${name}" in ${field}; expected one of: ${roots.map((root) => `$${root}`).join(', ')}`,
        );
      }
    }
    return { read, analysed: { expression: analysis.expression, variables: analysis.variables } };
  }

  /** Whether a reference reads a known root; reports it when not. */
  private checkReference(
    root: string,
    field: string | number | undefined,
    text: string,
    at: ValuePath,
    roots: readonly string[],
  ): boolean {
    if (!roots.includes(root)) {
      this.report(at, `unknown reference "${text}"; expected a reference to one of: ${roots.join(', ')}`);
      return false;
    }
    if (root === REQUEST && field !== undefined) this.requestFields.add(String(field));
    if (
      root === REQUEST &&
      this.requestNames &&
      field !== undefined &&
      !this.requestNames.includes(String(field))
    ) {
      this.report(
        at,
        `unknown request parameter "${field}" in "${text}"; expected ${
          this.requestNames.length > 0
            ? `one of: ${this.requestNames.join(', ')}`
            : 'none: the request declares no parameters'
        }`,
      );
    }
    return true;
  }

  private report(path: ValuePath, message: string, options: { key?: boolean } = {}): void {
    this.problems.push(this.file.problem(path, message, options));
  }
}

export function forEachString(
  value: unknown,
  path: ValuePath,
  visit: (text: string, path: ValuePath) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => forEachString(item, [...path, index], visit));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) forEachString(item, [...path, key], visit);
  }
}

const LOOKS_LIKE_REFERENCE = /^\$[A-Za-z_]\S*$/;
const EMBEDDED_AT = /\$\{[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*\}/y;

/**
 * What the executor would take as text although it was meant as a reference: a whole string
 * that starts like one (`$profile.addresses[first]`) or a `${` that does not close a reference.
 */
function malformedReferences(text: string): string[] {
  if (LOOKS_LIKE_REFERENCE.test(text) && !wholeReference(text) && !text.includes('${')) return [text];
  const malformed: string[] = [];
  for (let start = text.indexOf('${'); start !== -1; start = text.indexOf('${', start + 2)) {
    EMBEDDED_AT.lastIndex = start;
    if (!EMBEDDED_AT.test(text)) malformed.push(text.slice(start, text.indexOf('}', start) + 1 || undefined));
  }
  return malformed;
}
