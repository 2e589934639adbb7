import type { ConfigurationSection, SourceAdapter } from '@libs/core/sources';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EMPTY } from 'rxjs';

/** A file's text from its lines, so that a spec reads each line's number off its position. */
export const lines = (...text: string[]): string => `${text.join('\n')}\n`;

/** Configuration directories written to a temporary folder, removed by `removeAll`. */
export class ConfigurationDirectories {
  private readonly created: string[] = [];

  async write(files: Record<string, string>): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'engine-config-'));
    this.created.push(directory);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(directory, name)), { recursive: true });
      await writeFile(join(directory, name), text);
    }
    return directory;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.created.map((directory) => rm(directory, { recursive: true, force: true })));
  }
}

/**
 * A fake adapter of `type` that knows the given operations, as real adapters check theirs, and
 * owns `section` (a real backend's, for the loader to read its files as it does in production).
 */
export function fakeAdapter(
  type: string,
  operations?: string[],
  section?: ConfigurationSection,
): SourceAdapter {
  return {
    type,
    execute: () => EMPTY,
    ...(section && { section }),
    ...(operations && {
      validate: (source) =>
        operations.includes(source.operation ?? '')
          ? []
          : [
              {
                path: ['operation'],
                message: `unknown ${type} operation "${source.operation}"; expected one of: ${operations.join(', ')}`,
              },
            ],
    }),
  };
}

export const adaptersOf = (...adapters: SourceAdapter[]): ReadonlyMap<string, SourceAdapter> =>
  new Map(adapters.map((adapter) => [adapter.type, adapter]));
