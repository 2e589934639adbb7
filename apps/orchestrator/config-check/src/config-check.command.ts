import type { INestApplicationContext } from '@nestjs/common';
import {
  ConfigurationLoader,
  SourceAdapterRegistry,
  type ConfigurationProblem,
  describeSnapshot,
  formatProblem,
} from '@libs/orchestrator/engine';
import { relative, resolve } from 'node:path';

export interface ConfigCheckOutcome {
  ok: boolean;
  /** Every problem on a line of its own, or one line saying what the configuration serves. */
  lines: string[];
}

/**
 * Loads a configuration directory as the orchestrator would, against its registered source
 * types. Files are named relative to the directory checked (`domains/acme.yaml:4:53`), as the
 * orchestrator's own log names them; the last line names the directory.
 */
export async function checkConfiguration(
  app: INestApplicationContext,
  directory: string,
  workingDirectory: string,
): Promise<ConfigCheckOutcome> {
  const root = resolve(workingDirectory, directory);
  const shown = relative(workingDirectory, root) || '.';
  const adapters = app.get(SourceAdapterRegistry).adapters;
  const { snapshot, problems, warnings } = await app.get(ConfigurationLoader).load(root, adapters);
  const shownProblem = (problem: ConfigurationProblem) =>
    formatProblem({
      ...problem,
      ...(problem.file !== undefined && { file: relative(root, resolve(root, problem.file)) }),
    });
  // What could not be checked (a database unreachable now) is said, but does not fail the check.
  const warned = warnings.map((warning) => `warning: ${shownProblem(warning)}`);
  if (snapshot) return { ok: true, lines: [...warned, `${shown}: OK, ${describeSnapshot(snapshot)}`] };
  return {
    ok: false,
    lines: [
      ...problems.map(shownProblem),
      ...warned,
      `${shown}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    ],
  };
}
