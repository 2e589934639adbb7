import { Injectable } from '@nestjs/common';
import type { ConfigurationSections, ResultShape, SourceAdapter } from '@libs/core/sources';
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import {
  qualifiedName,
  type ConfigurationProblem,
  type ConfigurationSnapshot,
  type EndpointDefinition,
  type EngineSettings,
  type FilePosition,
  type SourceDefinition,
} from '../model';
import { interpolateEnvironment, type Environment } from './configuration.environment';
import { ConfigurationFile } from './configuration.file';
import { schemaViolations, type ConfigurationFileKind, type SchemaViolation } from './configuration.schema';
import { readEndpoint, type EndpointDeclaration } from './endpoint.reader';
import { resultReferenceProblems } from './result-references';

export interface ConfigurationLoadResult {
  /** The validated configuration, frozen; absent when there is any problem. */
  snapshot?: ConfigurationSnapshot;
  /** Every problem found, by file and position. */
  problems: ConfigurationProblem[];
  /**
   * What could not be checked, although the configuration is valid without it: sources whose
   * result's shape could not be found out (a database unreachable at load).
   */
  warnings: ConfigurationProblem[];
}

export interface ConfigurationLoadOptions {
  /** Where `${NAME}` in config.yaml, database.yaml, feast.yaml and integrations/*.yaml is read from. */
  environment?: Environment;
  /** How long an adapter may take to tell a source's result shape (`describeResult`). */
  describeTimeoutMs?: number;
}

/** Past it, a source's shape is unknown until run time, and the load goes on. */
export const DESCRIBE_TIMEOUT_MS = 5_000;

export const DEFAULT_SETTINGS: EngineSettings = Object.freeze({
  requestDeadlineMs: 30_000,
  defaultTimeoutMs: 10_000,
  sensitiveFields: [],
  adminTokenEnv: 'ORCHESTRATOR_ADMIN_TOKEN',
  readTokenEnv: 'ORCHESTRATOR_READ_TOKEN',
});

const DOMAIN_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * The source types that own a top-level file named after them (`database.yaml`): each file is
 * checked against its `<type>File` part of the schema, environment replaced, and handed to the
 * type's adapter as `sections[type]`. A new type with a file of its own is one more entry here
 * and its part of the schema.
 */
const SOURCE_TYPE_FILES = {
  database: 'databaseFile',
  feast: 'feastFile',
} as const satisfies Partial<Record<keyof ConfigurationSections, ConfigurationFileKind>>;
const YAML_EXTENSIONS = ['.yaml', '.yml'];
const VERSION_LENGTH = 12;

interface RawSettings {
  request_deadline_ms?: number;
  default_timeout_ms?: number;
  sensitive_fields?: string[];
  admin_token_env?: string;
  read_token_env?: string;
}

interface ReadFile {
  file: ConfigurationFile;
  /** The file's content, environment variables replaced; undefined when its YAML is invalid. */
  value?: Record<string, unknown>;
  violations: SchemaViolation[];
}

interface LoadedEndpoint {
  file: ConfigurationFile;
  definition: EndpointDefinition;
  /** When its file last changed: of two endpoints that collide, the later one is the new one. */
  modifiedMs: number;
}

/**
 * Loads a configuration directory: `config.yaml` (settings), `database.yaml`, `feast.yaml`,
 * `domains/*.yaml` (endpoints; the domain is the file's name) and `integrations/*.yaml`. Everything is checked
 * before anything serves (structure against `docs/config.schema.json`, references,
 * expressions, dependency cycles, routes, and each source against its adapter), and every
 * problem is reported at once with its file, line and column.
 */
@Injectable()
export class ConfigurationLoader {
  async load(
    directory: string,
    knownAdapters: ReadonlyMap<string, SourceAdapter>,
    options: ConfigurationLoadOptions = {},
  ): Promise<ConfigurationLoadResult> {
    const root = resolve(directory);
    const environment = options.environment ?? process.env;
    if (!(await isDirectory(root))) {
      return {
        problems: [
          {
            file: directory,
            message: `configuration directory ${root} does not exist; expected a directory with config.yaml, domains/ and integrations/`,
          },
        ],
        warnings: [],
      };
    }
    const { texts, modified, problems } = await readTexts(root);
    const read = (file: string, kind: ConfigurationFileKind, interpolate: boolean): ReadFile => {
      const parsed = readConfigurationFile(
        file,
        texts.get(file) ?? '',
        kind,
        interpolate ? environment : undefined,
      );
      problems.push(...parsed.problems);
      return parsed.read;
    };

    const config = texts.has('config.yaml') ? read('config.yaml', 'configFile', true) : undefined;
    const rawSettings = (config?.value?.['settings'] ?? {}) as RawSettings;
    const settings: EngineSettings = {
      requestDeadlineMs: rawSettings.request_deadline_ms ?? DEFAULT_SETTINGS.requestDeadlineMs,
      defaultTimeoutMs: rawSettings.default_timeout_ms ?? DEFAULT_SETTINGS.defaultTimeoutMs,
      sensitiveFields: rawSettings.sensitive_fields ?? DEFAULT_SETTINGS.sensitiveFields,
      adminTokenEnv: rawSettings.admin_token_env ?? DEFAULT_SETTINGS.adminTokenEnv,
      readTokenEnv: rawSettings.read_token_env ?? DEFAULT_SETTINGS.readTokenEnv,
    };

    const integrations: Record<string, unknown> = {};
    const declaredAt = new Map<string, FilePosition>();
    for (const name of filesIn(texts, 'integrations')) {
      const { file, value } = read(name, 'integrationFile', true);
      for (const [integration, definition] of Object.entries(objectAt(value, 'integrations'))) {
        const location = file.location(['integrations', integration], { key: true });
        const earlier = declaredAt.get(integration);
        if (earlier) {
          problems.push({
            ...location,
            message: `integration "${integration}" is already declared at ${at(earlier)}; expected integration names unique across files`,
          });
          continue;
        }
        declaredAt.set(integration, location);
        integrations[integration] = definition;
      }
    }
    const sections: ConfigurationSections = { settings: objectAt(config?.value, 'settings'), integrations };
    for (const [type, kind] of Object.entries(SOURCE_TYPE_FILES)) {
      const name = `${type}.yaml`;
      const { value } = texts.has(name) ? read(name, kind, true) : {};
      if (value) sections[type as keyof typeof SOURCE_TYPE_FILES] = value;
    }

    const endpoints: LoadedEndpoint[] = [];
    for (const name of filesIn(texts, 'domains')) {
      const domain = basename(name, extname(name));
      const { file, value, violations } = read(name, 'domainFile', false);
      if (!DOMAIN_NAME.test(domain)) {
        problems.push({
          file: name,
          message: `domain name "${domain}" cannot begin a route; expected a file name made of letters, digits, - and _`,
        });
      }
      if (!value || violations.some((violation) => violation.path.length < 2)) continue;
      const invalid = new Set(violations.map((violation) => violation.path[1]));
      const declared = value['endpoints'] as Record<string, EndpointDeclaration>;
      for (const [endpoint, declaration] of Object.entries(declared)) {
        if (invalid.has(endpoint)) continue;
        const reading = await readEndpoint(file, domain, endpoint, declaration, settings);
        problems.push(...reading.problems);
        endpoints.push({ file, definition: reading.definition, modifiedMs: modified.get(name) ?? 0 });
      }
    }
    const accepted = new Set<SourceDefinition>();
    problems.push(
      ...duplicateEndpoints(endpoints),
      ...duplicateRoutes(endpoints),
      ...sourceProblems(endpoints, knownAdapters, sections, accepted),
    );
    const described = await describeResults(endpoints, knownAdapters, sections, accepted, {
      timeoutMs: options.describeTimeoutMs ?? DESCRIBE_TIMEOUT_MS,
    });
    problems.push(...described.problems);
    const warnings = sortedProblems(described.warnings);

    if (problems.length > 0) return { problems: sortedProblems(problems), warnings };
    const snapshot: ConfigurationSnapshot = {
      version: versionOf(texts),
      loadedAt: new Date().toISOString(),
      directory: root,
      settings,
      sections,
      endpoints: endpoints.map(({ definition }) => definition),
    };
    return { snapshot: deepFreeze(snapshot), problems: [], warnings };
  }
}

/**
 * `database.yaml` of a configuration directory alone, environment variables replaced: for tools
 * that act on the databases (the demo seed) without loading endpoints. Undefined when the
 * directory has none.
 */
export async function readDatabaseFile(
  directory: string,
  environment: Environment = process.env,
): Promise<{ value?: Record<string, unknown>; problems: ConfigurationProblem[] }> {
  const text = await readFile(join(resolve(directory), 'database.yaml'), 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return { problems: [] };
  const { read, problems } = readConfigurationFile('database.yaml', text, 'databaseFile', environment);
  return { value: read.value, problems };
}

function readConfigurationFile(
  name: string,
  text: string,
  kind: ConfigurationFileKind,
  environment: Environment | undefined,
): { read: ReadFile; problems: ConfigurationProblem[] } {
  const file = ConfigurationFile.parse(name, text);
  const syntax = file.syntaxProblems();
  if (syntax.length > 0) return { read: { file, violations: [] }, problems: syntax };
  const problems: ConfigurationProblem[] = [];
  let value: unknown = file.value() ?? {};
  if (environment) {
    const interpolated = interpolateEnvironment(value, environment);
    value = interpolated.value;
    for (const { path, name: variable } of interpolated.unset) {
      problems.push(
        file.problem(
          path,
          `environment variable ${variable} is not set; expected it set, or a default as \${${variable}:-value}`,
        ),
      );
    }
  }
  const violations = schemaViolations(kind, value);
  problems.push(...violations.map(({ path, key, message }) => file.problem(path, message, { key })));
  const usable = typeof value === 'object' && !Array.isArray(value);
  return {
    read: { file, violations, ...(usable && { value: value as Record<string, unknown> }) },
    problems,
  };
}

/**
 * Endpoints that take what another already has, each reported once at the newer of the two (in
 * the file changed last; in the same file, the one declared later) and naming the other:
 * whoever just added an endpoint is told where, first.
 */
function collisions(
  endpoints: LoadedEndpoint[],
  keyOf: (definition: EndpointDefinition) => string,
  describe: (newer: EndpointDefinition, older: EndpointDefinition) => string,
): ConfigurationProblem[] {
  const first = new Map<string, LoadedEndpoint>();
  return endpoints.flatMap((endpoint) => {
    const key = keyOf(endpoint.definition);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, endpoint);
      return [];
    }
    // Endpoints arrive in load order: `endpoint` comes after `earlier` there.
    const [newer, older] =
      endpoint.modifiedMs >= earlier.modifiedMs ? [endpoint, earlier] : [earlier, endpoint];
    return [{ ...newer.definition.location, message: describe(newer.definition, older.definition) }];
  });
}

/** Names are unique within a domain; two domains may both have a `get_customer`. */
const duplicateEndpoints = (endpoints: LoadedEndpoint[]) =>
  collisions(
    endpoints,
    qualifiedName,
    (newer, older) =>
      `endpoint "${newer.name}" of domain "${newer.domain}" is also declared at ${at(older.location)}; expected endpoint names unique within a domain`,
  );

/** Express matches paths whatever their case and their parameters' names. */
const routeKey = ({ method, path }: EndpointDefinition) =>
  `${method} ${path.toLowerCase().replace(/:[^/]+/g, ':')}`;

const duplicateRoutes = (endpoints: LoadedEndpoint[]) =>
  collisions(
    endpoints,
    routeKey,
    (newer, older) =>
      `duplicate route ${newer.method} ${newer.path}: endpoint "${qualifiedName(newer)}" has the route of endpoint "${qualifiedName(older)}" (${older.method} ${older.path}) at ${at(older.location)}; expected a method and path of its own`,
  );

/**
 * An unknown type, or what the type's adapter finds wrong with the declaration; the sources
 * found right are added to `accepted`.
 */
function sourceProblems(
  endpoints: LoadedEndpoint[],
  adapters: ReadonlyMap<string, SourceAdapter>,
  sections: ConfigurationSections,
  accepted: Set<SourceDefinition>,
): ConfigurationProblem[] {
  const types = [...adapters.keys()].sort();
  return endpoints.flatMap(({ file, definition }) =>
    definition.sources.flatMap((source, index) => {
      const path = ['endpoints', definition.name, 'data_sources', index];
      const adapter = adapters.get(source.type);
      if (!adapter) {
        const expected = types.length > 0 ? `one of: ${types.join(', ')}` : 'a registered type, and none is';
        return [
          file.problem([...path, 'type'], `unknown source type "${source.type}"; expected ${expected}`),
        ];
      }
      const { name, type, operation, params } = source;
      try {
        const problems = adapter.validate?.({ name, type, operation, params }, sections) ?? [];
        if (problems.length === 0) accepted.add(source);
        return problems.map((problem) => file.problem([...path, ...problem.path], problem.message));
      } catch (error) {
        return [
          file.problem(path, `the ${type} adapter could not check this source: ${(error as Error).message}`),
        ];
      }
    }),
  );
}

/**
 * The result shape of every accepted source whose adapter can tell it at load (all asked at
 * once, each for at most `timeoutMs`), and the references that read fields those shapes do not
 * have. A source that transforms its result has the transform's shape, which is not known; a
 * `foreach` answers a list of its calls' results. A shape that cannot be found out is a warning,
 * one per reason (a database down is said once, with every source it leaves unchecked).
 */
async function describeResults(
  endpoints: LoadedEndpoint[],
  adapters: ReadonlyMap<string, SourceAdapter>,
  sections: ConfigurationSections,
  accepted: ReadonlySet<SourceDefinition>,
  { timeoutMs }: { timeoutMs: number },
): Promise<{ problems: ConfigurationProblem[]; warnings: ConfigurationProblem[] }> {
  const unknown = new Map<SourceDefinition, { endpoint: string; reason: string }>();
  const describe = async (endpoint: string, source: SourceDefinition): Promise<ResultShape | undefined> => {
    const adapter = adapters.get(source.type);
    if (!adapter?.describeResult || !accepted.has(source) || source.transform !== undefined) return undefined;
    const { name, type, operation, params } = source;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The loader stops waiting even for an adapter that does not heed the signal.
    const stopped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`no answer within ${timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      const shape = await Promise.race([
        adapter.describeResult({ name, type, operation, params }, sections, controller.signal),
        stopped,
      ]);
      return shape && source.foreach ? { items: shape } : shape;
    } catch (error) {
      unknown.set(source, { endpoint, reason: (error as Error).message });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  const problems = await Promise.all(
    endpoints.map(async ({ file, definition }) => {
      const shapes = await Promise.all(definition.sources.map((source) => describe(definition.name, source)));
      const known = new Map(
        definition.sources.flatMap((source, index) => {
          const shape = shapes[index];
          return shape ? [[source.name, shape] as const] : [];
        }),
      );
      return resultReferenceProblems(file, definition, known);
    }),
  );
  return { problems: problems.flat(), warnings: unknownShapeWarnings(endpoints, unknown) };
}

/** One warning per reason, where the first source it concerns is declared, naming them all. */
function unknownShapeWarnings(
  endpoints: LoadedEndpoint[],
  unknown: ReadonlyMap<SourceDefinition, { endpoint: string; reason: string }>,
): ConfigurationProblem[] {
  const byReason = new Map<string, { first: SourceDefinition; names: string[] }>();
  for (const source of endpoints.flatMap(({ definition }) => definition.sources)) {
    const found = unknown.get(source);
    if (!found) continue;
    const group = byReason.get(found.reason) ?? { first: source, names: [] };
    group.names.push(`${found.endpoint}.${source.name}`);
    byReason.set(found.reason, group);
  }
  return [...byReason].map(([reason, { first, names }]) => ({
    ...first.location,
    message:
      names.length === 1
        ? `the fields of source ${names[0]} are not checked: its result’s shape is unknown until it runs (${reason}); a field it lacks will be null in the answer, with a warning`
        : `the fields of ${names.length} sources (${names.join(', ')}) are not checked: their results’ shapes are unknown until they run (${reason}); a field they lack will be null in the answer, with a warning`,
  }));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Every file the configuration is made of, by path relative to its directory, sorted. */
async function readTexts(
  root: string,
): Promise<{ texts: Map<string, string>; modified: Map<string, number>; problems: ConfigurationProblem[] }> {
  const names = ['config.yaml', ...Object.keys(SOURCE_TYPE_FILES).map((type) => `${type}.yaml`)];
  for (const folder of ['domains', 'integrations']) {
    const entries = await readdir(join(root, folder), { withFileTypes: true }).catch(() => []);
    names.push(
      ...entries
        .filter((entry) => entry.isFile() && YAML_EXTENSIONS.includes(extname(entry.name)))
        .map((entry) => `${folder}/${entry.name}`),
    );
  }
  const texts = new Map<string, string>();
  const modified = new Map<string, number>();
  const problems: ConfigurationProblem[] = [];
  for (const file of names.sort()) {
    try {
      modified.set(file, (await stat(join(root, file))).mtimeMs);
      texts.set(file, await readFile(join(root, file), 'utf8'));
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code !== 'ENOENT')
        problems.push({ file, message: `cannot be read: ${message}; expected a readable file` });
    }
  }
  return { texts, modified, problems };
}

const filesIn = (texts: Map<string, string>, folder: string) =>
  [...texts.keys()].filter((name) => name.startsWith(`${folder}/`));

const objectAt = (value: Record<string, unknown> | undefined, key: string): Record<string, unknown> => {
  const found = value?.[key];
  return found && typeof found === 'object' && !Array.isArray(found)
    ? (found as Record<string, unknown>)
    : {};
};

const at = (location: FilePosition) => `${location.file}:${location.line}:${location.column}`;

/** The same files give the same version, whatever the order they were read in. */
function versionOf(texts: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const [name, text] of texts) hash.update(`${name}\0${text}\0`);
  return hash.digest('hex').slice(0, VERSION_LENGTH);
}

function sortedProblems(problems: ConfigurationProblem[]): ConfigurationProblem[] {
  return [...problems].sort(
    (a, b) =>
      byCodePoint(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
