import { Injectable } from '@nestjs/common';
import type {
  ConfigurationSection,
  ConfigurationSections,
  ResultShape,
  SourceAdapter,
} from '@libs/core/sources';
import type { ValidateFunction } from 'ajv';
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
import { engineFileValidator, schemaViolations, sectionValidator } from './configuration.schema';
import {
  ENGINE_FILE,
  ENGINE_FOLDER,
  compileSection,
  filesLabel,
  sectionClaims,
  sectionValue,
  type SectionClaim,
  type SectionFile,
} from './configuration.sections';
import { compileEndpoints } from './endpoint.compiler';
import { readEndpoint, type EndpointDeclaration, type EndpointReading } from './endpoint.reader';
import { resultReferenceProblems } from './result-references';

export interface ConfigurationLoadResult {
  /** The validated configuration, frozen; absent when there is any problem. */
  snapshot?: ConfigurationSnapshot;
  /** Every problem found, by file and position. */
  problems: ConfigurationProblem[];
  /**
   * What could not be checked, although the configuration is valid without it: sources whose
   * result's shape could not be found out (a downstream unreachable at load), files that no
   * registered source type reads.
   */
  warnings: ConfigurationProblem[];
}

export interface ConfigurationLoadOptions {
  /** Where `${NAME}` in config.yaml and the source types' files is read from. */
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

const YAML_EXTENSIONS = ['.yaml', '.yml'];
const VERSION_LENGTH = 12;

interface RawSettings {
  request_deadline_ms?: number;
  default_timeout_ms?: number;
  sensitive_fields?: string[];
  admin_token_env?: string;
  read_token_env?: string;
}

interface ReadFile extends SectionFile {
  violations: ReturnType<typeof schemaViolations>;
}

interface LoadedEndpoint {
  file: ConfigurationFile;
  definition: EndpointDefinition;
  expressions: EndpointReading['expressions'];
  /** When its file last changed: of two endpoints that collide, the later one is the new one. */
  modifiedMs: number;
}

/**
 * Loads a configuration directory: `config.yaml` (settings), `domains/*.yaml` (endpoints; the
 * domain is the file's name), and the files each registered source type declares as its section
 * (`SourceAdapter.section`), compiled by its adapter. Everything is checked before anything
 * serves (each file against its schema, references, expressions, dependency cycles, routes, and
 * each source against its adapter), and every problem is reported at once with its file, line and
 * column.
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
    const { claims, problems: claimProblems } = sectionClaims(knownAdapters);
    if (!(await isDirectory(root))) {
      const folders = claims.flatMap(({ section: { files } }) =>
        'folder' in files ? [`${files.folder}/`] : [],
      );
      const expected = [ENGINE_FILE, `${ENGINE_FOLDER}/`, ...folders];
      return {
        problems: [
          {
            file: directory,
            message: `configuration directory ${root} does not exist; expected a directory with ${expected.slice(0, -1).join(', ')} and ${expected.at(-1)}`,
          },
        ],
        warnings: [],
      };
    }
    const { texts, modified, problems, unread } = await readTexts(root, claims);
    problems.push(...claimProblems);
    const read = (file: string, validate: ValidateFunction, interpolate: boolean): ReadFile => {
      const parsed = readConfigurationFile(
        file,
        texts.get(file) ?? '',
        validate,
        interpolate ? environment : undefined,
      );
      problems.push(...parsed.problems);
      return parsed.read;
    };

    const config = texts.has(ENGINE_FILE)
      ? read(ENGINE_FILE, engineFileValidator('configFile'), true)
      : undefined;
    const rawSettings = (config?.value?.['settings'] ?? {}) as RawSettings;
    const settings: EngineSettings = {
      requestDeadlineMs: rawSettings.request_deadline_ms ?? DEFAULT_SETTINGS.requestDeadlineMs,
      defaultTimeoutMs: rawSettings.default_timeout_ms ?? DEFAULT_SETTINGS.defaultTimeoutMs,
      sensitiveFields: rawSettings.sensitive_fields ?? DEFAULT_SETTINGS.sensitiveFields,
      adminTokenEnv: rawSettings.admin_token_env ?? DEFAULT_SETTINGS.adminTokenEnv,
      readTokenEnv: rawSettings.read_token_env ?? DEFAULT_SETTINGS.readTokenEnv,
    };

    const compiled: Record<string, unknown> = {};
    const summaries: string[] = [];
    /** Types whose section is invalid: their sources are not checked against it. */
    const unsettled = new Set<string>();
    for (const claim of claims) {
      const loaded = loadSection(claim, texts, (name) =>
        read(name, sectionValidator(claim.section.schema), true),
      );
      problems.push(...loaded.problems);
      if (!loaded.settled) {
        unsettled.add(claim.type);
        continue;
      }
      compiled[claim.type] = loaded.compiled;
      if (loaded.summary !== undefined) summaries.push(loaded.summary);
    }
    const sections: ConfigurationSections = { settings: objectAt(config?.value, 'settings'), compiled };

    const endpoints: LoadedEndpoint[] = [];
    for (const name of filesIn(texts, ENGINE_FOLDER)) {
      const domain = basename(name, extname(name));
      const { file, value, violations } = read(name, engineFileValidator('domainFile'), false);
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
        const { definition, expressions } = reading;
        endpoints.push({ file, definition, expressions, modifiedMs: modified.get(name) ?? 0 });
      }
    }
    const accepted = new Set<SourceDefinition>();
    problems.push(
      ...duplicateEndpoints(endpoints),
      ...duplicateRoutes(endpoints),
      ...sourceProblems(endpoints, knownAdapters, sections, accepted, unsettled),
    );
    const described = await describeResults(endpoints, knownAdapters, sections, accepted, {
      timeoutMs: options.describeTimeoutMs ?? DESCRIBE_TIMEOUT_MS,
    });
    problems.push(...described.problems);
    const warnings = sortedProblems([...described.warnings, ...unreadWarnings(unread, claims)]);

    if (problems.length > 0) return { problems: sortedProblems(problems), warnings };
    const snapshot: ConfigurationSnapshot = {
      version: versionOf(texts),
      loadedAt: new Date().toISOString(),
      directory: root,
      settings,
      sections,
      summaries,
      endpoints: compileEndpoints(endpoints),
    };
    return { snapshot: deepFreeze(snapshot), problems: [], warnings };
  }
}

/**
 * One source type's section of a configuration directory alone, read, checked and compiled as the
 * loader does (environment replaced): for tools that act on what a section declares (the demo
 * seed) without loading endpoints. Nothing is compiled when the directory has
 * none of its files.
 */
export async function readSection<T>(
  directory: string,
  type: string,
  section: ConfigurationSection<T>,
  environment: Environment = process.env,
): Promise<{ compiled?: T; problems: ConfigurationProblem[] }> {
  const claim: SectionClaim = { type, section };
  const { texts, problems } = await readTexts(resolve(directory), [claim], { engineFiles: false });
  if (texts.size === 0) return { problems };
  const loaded = loadSection(claim, texts, (name) => {
    const parsed = readConfigurationFile(
      name,
      texts.get(name) ?? '',
      sectionValidator(section.schema),
      environment,
    );
    problems.push(...parsed.problems);
    return parsed.read;
  });
  problems.push(...loaded.problems);
  return loaded.settled && problems.length === 0
    ? { compiled: loaded.compiled as T, problems }
    : { problems };
}

/**
 * A section from its files, each read (and checked against the section's schema) by `read`; the
 * section is compiled only when every file is valid, so that the compile step sees only what
 * its schema allows.
 */
function loadSection(
  claim: SectionClaim,
  texts: ReadonlyMap<string, string>,
  read: (name: string) => ReadFile,
): { settled: boolean; compiled?: unknown; summary?: string; problems: ConfigurationProblem[] } {
  const { files } = claim.section;
  const names = 'file' in files ? (texts.has(files.file) ? [files.file] : []) : filesIn(texts, files.folder);
  const readFiles = names.map(read);
  const { value, locate, problems } = sectionValue(files, readFiles);
  // An invalid file's problems are reported by `read`; the section is then not compiled.
  if (problems.length > 0 || readFiles.some((file) => !file.valid)) return { settled: false, problems };
  const compiled = compileSection(claim, value, locate);
  return { settled: compiled.problems.length === 0, ...compiled };
}

function readConfigurationFile(
  name: string,
  text: string,
  validate: ValidateFunction,
  environment: Environment | undefined,
): { read: ReadFile; problems: ConfigurationProblem[] } {
  const file = ConfigurationFile.parse(name, text);
  const syntax = file.syntaxProblems();
  if (syntax.length > 0) return { read: { file, violations: [], valid: false }, problems: syntax };
  const problems: ConfigurationProblem[] = [];
  let value: unknown = file.value() ?? {};
  const unsetAt = new Set<string>();
  if (environment) {
    const interpolated = interpolateEnvironment(value, environment);
    value = interpolated.value;
    for (const { path, name: variable } of interpolated.unset) {
      unsetAt.add(path.join('\0'));
      problems.push(
        file.problem(
          path,
          `environment variable ${variable} is not set; expected it set, or a default as \${${variable}:-value}`,
        ),
      );
    }
  }
  // A value whose variable is unset is reported once, by that, not again by what it fails to match.
  const violations = schemaViolations(validate, value).filter(
    (violation) => violation.key || !unsetAt.has(violation.path.join('\0')),
  );
  problems.push(...violations.map(({ path, key, message }) => file.problem(path, message, { key })));
  const usable = typeof value === 'object' && !Array.isArray(value);
  return {
    read: {
      file,
      violations,
      valid: problems.length === 0,
      ...(usable && { value: value as Record<string, unknown> }),
    },
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
 * found right are added to `accepted`. The sources of a type whose section is invalid are not
 * checked against it: its files' problems say what is wrong.
 */
function sourceProblems(
  endpoints: LoadedEndpoint[],
  adapters: ReadonlyMap<string, SourceAdapter>,
  sections: ConfigurationSections,
  accepted: Set<SourceDefinition>,
  unsettled: ReadonlySet<string>,
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
      if (unsettled.has(source.type)) return [];
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
 * one per reason (a downstream down is said once, with every source it leaves unchecked).
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
    endpoints.map(async ({ file, definition, expressions }) => {
      const shapes = await Promise.all(definition.sources.map((source) => describe(definition.name, source)));
      const known = new Map(
        definition.sources.flatMap((source, index) => {
          const shape = shapes[index];
          return shape ? [[source.name, shape] as const] : [];
        }),
      );
      return resultReferenceProblems(file, definition, expressions, known);
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

/**
 * Every file the configuration is made of, by path relative to its directory, sorted: the
 * engine's own (unless `engineFiles` is false) and those the sections claim. `unread` are the
 * top-level YAML files that nothing claims.
 */
async function readTexts(
  root: string,
  claims: readonly SectionClaim[],
  { engineFiles = true } = {},
): Promise<{
  texts: Map<string, string>;
  modified: Map<string, number>;
  problems: ConfigurationProblem[];
  unread: string[];
}> {
  const files = claims.map(({ section }) => section.files);
  const names = [
    ...(engineFiles ? [ENGINE_FILE] : []),
    ...files.flatMap((claimed) => ('file' in claimed ? [claimed.file] : [])),
  ];
  const folders = [
    ...(engineFiles ? [ENGINE_FOLDER] : []),
    ...files.flatMap((claimed) => ('folder' in claimed ? [claimed.folder] : [])),
  ];
  for (const folder of folders) {
    names.push(...(await yamlFilesIn(join(root, folder))).map((name) => `${folder}/${name}`));
  }
  const unread = engineFiles ? (await yamlFilesIn(root)).filter((name) => !names.includes(name)) : [];
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
  return { texts, modified, problems, unread };
}

async function yamlFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && YAML_EXTENSIONS.includes(extname(entry.name)))
    .map((entry) => entry.name);
}

/**
 * A top-level YAML file that no registered source type reads is said, not refused: it may be
 * meant for a backend this build leaves out, and the configuration serves without it.
 */
function unreadWarnings(unread: readonly string[], claims: readonly SectionClaim[]): ConfigurationProblem[] {
  const read = [ENGINE_FILE, ...claims.map(({ section }) => filesLabel(section.files))].join(', ');
  return unread.map((file) => ({
    file,
    message: `is not read: no registered source type owns it; the files read are ${read}, and ${ENGINE_FOLDER}/*.yaml`,
  }));
}

const filesIn = (texts: ReadonlyMap<string, string>, folder: string) =>
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
