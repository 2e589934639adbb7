import type { JsonSchema, SectionFiles, SourceAdapter } from '@libs/core/sources';
import { VARIABLE_PATTERN } from './configuration.environment';
import { engineSchema } from './configuration.schema';
import { filesLabel, sectionClaims } from './configuration.sections';

/**
 * `docs/config.schema.json`: the one schema editors are pointed at for every file of a
 * configuration directory, assembled from the engine's own parts (config.yaml, domains/*.yaml)
 * and the section of every registered source type, so that an editor checks what the loader
 * checks. A file is any one of them (`anyOf` at the root); each is also a definition of its own
 * (`configFile`, `domainFile`, `databaseFile`, `integrationsFile`…).
 *
 * A source type's files are checked by the loader once `${NAME}` is replaced; an editor sees the
 * text as written, so each `pattern` of their schemas also takes a string holding a variable.
 */
export function publishedConfigurationSchema(adapters: ReadonlyMap<string, SourceAdapter>): JsonSchema {
  const { claims, problems } = sectionClaims(adapters);
  if (problems.length > 0) throw new Error(problems.map(({ message }) => message).join('; '));
  const { $schema, $id, title, description, definitions, ...rest } = engineSchema;
  const sections = claims.map(({ type, section }) => ({
    name: definitionName(section.files),
    label: `${filesLabel(section.files)} (${type} sources)`,
    schema: withVariables(section.schema),
  }));
  const dataSource = definitions.dataSource;
  return {
    $schema,
    $id,
    title,
    description: `Any file of an Orchestrator configuration directory: ${[
      'config.yaml (settings)',
      'domains/*.yaml (endpoints)',
      ...sections.map(({ label }) => label),
    ].join(', ')}. ${description}`,
    ...rest,
    anyOf: ['configFile', 'domainFile', ...sections.map(({ name }) => name)].map((name) => ({
      $ref: `#/definitions/${name}`,
    })),
    definitions: {
      ...definitions,
      // Editors offer the registered types; the loader names them when a type is unknown.
      dataSource: {
        ...dataSource,
        properties: {
          ...dataSource.properties,
          type: { ...dataSource.properties.type, enum: [...adapters.keys()].sort() },
        },
      },
      ...Object.fromEntries(sections.map(({ name, schema }) => [name, schema])),
    },
  };
}

/** The published schema as it is committed: two-space JSON and a final newline. */
export const publishedSchemaText = (adapters: ReadonlyMap<string, SourceAdapter>): string =>
  `${JSON.stringify(publishedConfigurationSchema(adapters), null, 2)}\n`;

/** `database.yaml` → `databaseFile`, `integrations/` → `integrationsFile`. */
function definitionName(files: SectionFiles): string {
  const stem = 'file' in files ? files.file.replace(/\.ya?ml$/, '') : files.folder;
  return `${stem.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, next: string) => next.toUpperCase())}File`;
}

/** Subschemas by keyword: those that hold one, a list of them, or a map of them by name. */
const ONE = ['additionalProperties', 'items', 'if', 'then', 'else', 'not', 'contains'];
const LIST = ['anyOf', 'oneOf', 'allOf'];
const MAP = ['properties', 'patternProperties', 'definitions'];

/**
 * The schema with every value `pattern` also taking a string that holds `${NAME}`. Names of
 * properties (`propertyNames`) are not interpolated, and keep their pattern.
 */
function withVariables(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    const relaxed: Record<string, unknown> = {};
    for (const [keyword, value] of Object.entries(node)) {
      if (keyword === 'pattern' && typeof value === 'string') {
        relaxed[keyword] = `(?:${value})|${VARIABLE_PATTERN}`;
      } else if (ONE.includes(keyword)) {
        relaxed[keyword] = visit(value);
      } else if (LIST.includes(keyword) && Array.isArray(value)) {
        relaxed[keyword] = value.map(visit);
      } else if (MAP.includes(keyword) && typeof value === 'object' && value !== null) {
        relaxed[keyword] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, visit(sub)]));
      } else {
        relaxed[keyword] = value;
      }
    }
    return relaxed;
  };
  return visit(schema) as JsonSchema;
}
