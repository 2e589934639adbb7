import type { ConfigurationSection, SectionFiles, SourceAdapter } from '@libs/core/sources';
import type { ConfigurationProblem, FilePosition } from '../model';
import { pathText, type ConfigurationFile, type ValuePath } from './configuration.file';

/** The engine's own files, which no source type may claim. */
export const ENGINE_FILE = 'config.yaml';
export const ENGINE_FOLDER = 'domains';

/** A source type's section, as the loader reads it. */
export interface SectionClaim {
  type: string;
  section: ConfigurationSection;
}

/** How a section's files are named in messages and in the published schema. */
export const filesLabel = (files: SectionFiles): string =>
  'file' in files ? files.file : `${files.folder}/*.yaml`;

const claimedName = (files: SectionFiles): string => ('file' in files ? files.file : `${files.folder}/`);

/**
 * The sections the registered adapters declare, by type. A file or folder claimed twice (by two
 * types, or by a type and the engine) is a problem naming both claimants, and is read for the
 * first only: which type reads it must not depend on the order modules are imported in.
 */
export function sectionClaims(adapters: ReadonlyMap<string, SourceAdapter>): {
  claims: SectionClaim[];
  problems: ConfigurationProblem[];
} {
  const owners = new Map<string, string>([
    [ENGINE_FILE, 'the engine'],
    [`${ENGINE_FOLDER}/`, 'the engine'],
  ]);
  const claims: SectionClaim[] = [];
  const problems: ConfigurationProblem[] = [];
  for (const [type, adapter] of [...adapters].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!adapter.section) continue;
    const name = claimedName(adapter.section.files);
    const owner = owners.get(name);
    if (owner !== undefined) {
      problems.push({
        message: `${name} is claimed by ${owner} and by source type ${type}; expected each file of a configuration directory read by one source type`,
      });
      continue;
    }
    owners.set(name, `source type ${type}`);
    claims.push({ type, section: adapter.section });
  }
  return { claims, problems };
}

/** One file of a section, read and checked against the section's schema. */
export interface SectionFile {
  file: ConfigurationFile;
  /** Environment replaced; undefined when its YAML is invalid. */
  value?: Record<string, unknown>;
  /** Whether it matches the section's schema (and its variables are all set). */
  valid: boolean;
}

/** Where a path of a section is written: its file's position, and its path in that file. */
export type SectionLocator = (path: ValuePath) => { position: FilePosition; path: ValuePath };

/**
 * A section's content once its files are read: a file's content, or a folder's entries by name
 * (each remembered with its file, for the positions of compile problems). A name declared in two
 * files of a folder is a problem at the later one.
 */
export function sectionValue(
  files: SectionFiles,
  read: SectionFile[],
): { value?: Record<string, unknown>; locate: SectionLocator; problems: ConfigurationProblem[] } {
  if ('file' in files) {
    const [only] = read;
    return {
      value: only?.value,
      locate: (path) => ({
        position: only?.file.location(path) ?? { file: files.file, line: 1, column: 1 },
        path,
      }),
      problems: [],
    };
  }
  const entries: Record<string, unknown> = {};
  const declaredIn = new Map<string, ConfigurationFile>();
  const problems: ConfigurationProblem[] = [];
  for (const { file, value } of read) {
    const declared = value?.[files.entries];
    if (!declared || typeof declared !== 'object' || Array.isArray(declared)) continue;
    for (const [name, entry] of Object.entries(declared)) {
      const location = file.location([files.entries, name], { key: true });
      const earlier = declaredIn.get(name);
      if (earlier) {
        const at = earlier.location([files.entries, name], { key: true });
        problems.push({
          ...location,
          message: `${files.entry} "${name}" is already declared at ${at.file}:${at.line}:${at.column}; expected ${files.entry} names unique across files`,
        });
        continue;
      }
      declaredIn.set(name, file);
      entries[name] = entry;
    }
  }
  const locate: SectionLocator = (path) => {
    const [name, ...rest] = path;
    const file = declaredIn.get(String(name)) ?? read[0]?.file;
    const inFile = name === undefined ? [files.entries] : [files.entries, name, ...rest];
    return {
      position: file?.location(inFile) ?? { file: `${files.folder}/`, line: 1, column: 1 },
      path: inFile,
    };
  };
  return { value: read.length > 0 ? entries : undefined, locate, problems };
}

/**
 * The section compiled by its adapter, or the problems it finds, each at its position and said
 * from its path as schema violations are. A compile step that throws is a fault of the adapter,
 * said as a problem of the section.
 */
export function compileSection(
  { type, section }: SectionClaim,
  value: Record<string, unknown> | undefined,
  locate: SectionLocator,
): { compiled?: unknown; summary?: string; problems: ConfigurationProblem[] } {
  try {
    const { compiled, problems } = section.compile(value);
    if (problems.length > 0) {
      return {
        problems: problems.map(({ path, message }) => {
          const located = locate(path);
          return { ...located.position, message: `${pathText(located.path)}: ${message}` };
        }),
      };
    }
    return { compiled, summary: section.summary?.(compiled), problems: [] };
  } catch (error) {
    return {
      problems: [
        {
          ...locate([]).position,
          message: `the ${type} adapter could not compile ${filesLabel(section.files)}: ${(error as Error).message}`,
        },
      ],
    };
  }
}
