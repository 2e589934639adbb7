import type { EnvironmentSchema } from '@libs/core/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './workspace-root';

/**
 * The variables of `schema` that `.env.example` does not list (as `# NAME=default` or
 * `NAME=value`), for a service's spec to expect none: every variable is documented with its
 * default where users look for it.
 */
export function undocumentedVariables(schema: EnvironmentSchema): string[] {
  const example = readFileSync(join(WORKSPACE_ROOT, '.env.example'), 'utf8');
  const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name));
  return Object.keys(schema).filter((name) => !listed.has(name));
}
