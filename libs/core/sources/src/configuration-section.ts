/** A JSON Schema, as a plain object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Where a source type's section is in a configuration directory:
 * - `file`: one top-level file whose content is the section (`database.yaml`);
 * - `folder` and `entries`: every YAML file of a folder, each holding named entries under the key
 *   `entries` (`integrations/*.yaml`, each with `integrations: { crm: … }`); the section is every
 *   entry by name, and a name declared in two files is refused.
 */
export type SectionFiles =
  | { file: string }
  | {
      folder: string;
      entries: string;
      /** What one entry is called in messages (`integration`). */
      entry: string;
    };

/** What a compile step finds wrong in a section that matches its schema, at a path of the section. */
export interface SectionProblem {
  /** From the section's root: the file's content, or for a folder the entries by name. */
  path: (string | number)[];
  message: string;
}

export interface SectionCompilation<T> {
  compiled: T;
  problems: SectionProblem[];
}

/**
 * The part of a configuration directory that one source type owns, declared with its adapter
 * (`SourceAdapter.section`): the engine reads the files, checks each against `schema` (with its
 * one Ajv configuration, every violation at its file, line and column), replaces the environment
 * in its strings, and hands the result to `compile`. The published `docs/config.schema.json` is
 * assembled from these schemas, so that editors check what the loader checks.
 */
export interface ConfigurationSection<T = unknown> {
  files: SectionFiles;
  /**
   * The JSON Schema of one file's content, self-contained (no `$ref`); its `title` and
   * `description` are what editors show of the file.
   */
  schema: JsonSchema;
  /**
   * The section as the adapter uses it (typed operations, connections settled), from what its
   * files hold once they match `schema`; `undefined` when the directory has none. Runs once per
   * configuration, before any source is checked, so that nothing is parsed while calls are served.
   */
  compile(value: Readonly<Record<string, unknown>> | undefined): SectionCompilation<T>;
  /** What the section declares, in a few words for the load's one-line report (`2 integrations`). */
  summary?(compiled: T): string;
}

/** The compiled section of source type `type`, when the configuration has it compiled. */
export function compiledSection<T>(
  sections: { readonly compiled: Readonly<Record<string, unknown>> },
  type: string,
): T | undefined {
  return sections.compiled[type] as T | undefined;
}
