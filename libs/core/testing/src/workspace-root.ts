import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The workspace's root (the folder with nx.json), found from this file rather than counted in
 * `..` steps, so that a spec reads the repository's `config/`, `models/` or `tools/` wherever its
 * project lives.
 */
export const WORKSPACE_ROOT = findWorkspaceRoot(__dirname);

function findWorkspaceRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'nx.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`no nx.json above ${from}`);
  }
}
