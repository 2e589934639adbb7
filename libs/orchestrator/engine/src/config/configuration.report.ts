import type { ConfigurationProblem, ConfigurationSnapshot } from '../model';

/** `domains/customers.yaml:12:9: unknown source type "fest"; expected one of: api, audio, text`. */
export function formatProblem(problem: ConfigurationProblem): string {
  if (problem.file === undefined) return problem.message;
  const position = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
  return `${problem.file}${position}: ${problem.message}`;
}

/** One line about a loaded configuration: what it serves and its version. */
export function describeSnapshot(snapshot: ConfigurationSnapshot): string {
  const domains = [...new Set(snapshot.endpoints.map(({ definition }) => definition.domain))];
  return (
    `${count(snapshot.endpoints.length, 'endpoint')} in ${count(domains.length, 'domain')}` +
    (domains.length > 0 ? ` (${domains.join(', ')})` : '') +
    snapshot.summaries.map((summary) => `, ${summary}`).join('') +
    `, version ${snapshot.version}`
  );
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
