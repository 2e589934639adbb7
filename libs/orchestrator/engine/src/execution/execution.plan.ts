import { qualifiedName, type EndpointDefinition, type SourceDefinition, type FilePosition } from '../model';
import { JsonataExpression } from './jsonata.expression';

/** One source of a plan, with what it waits for and its expressions parsed. */
export interface PlannedSource {
  definition: SourceDefinition;
  /** The sources whose results this one needs before it starts (its own inputs, no more). */
  dependsOn: readonly string[];
  when?: JsonataExpression;
  transform?: JsonataExpression;
}

/**
 * An endpoint compiled for execution: a DAG of its sources, listed so that every source comes
 * after the sources it depends on. The executor starts each source as soon as its own inputs
 * resolve, not level by level.
 */
export interface ExecutionPlan {
  endpoint: EndpointDefinition;
  sources: readonly PlannedSource[];
  /** The endpoint's own `transform`, applied to the mapped response. */
  transform?: JsonataExpression;
}

/** An endpoint that cannot be executed: the configuration loader should have refused it. */
export class ExecutionPlanError extends Error {
  constructor(location: FilePosition, message: string) {
    super(`${location.file}:${location.line}:${location.column}: ${message}`);
    this.name = 'ExecutionPlanError';
  }
}

/**
 * Plans an endpoint. Definitions arrive with `dependsOn` computed and cycles rejected by the
 * loader; the checks are repeated here because running a cyclic plan would hang a request.
 */
export function planExecution(endpoint: EndpointDefinition): ExecutionPlan {
  const byName = new Map(endpoint.sources.map((source) => [source.name, source]));
  const refuse = (location: FilePosition, message: string) =>
    new ExecutionPlanError(location, `endpoint ${qualifiedName(endpoint)}: ${message}`);

  if (endpoint.primarySource !== undefined && !byName.has(endpoint.primarySource)) {
    throw refuse(endpoint.location, `primary source ${endpoint.primarySource} is not one of its sources`);
  }
  const inputsOf = (source: SourceDefinition): string[] => {
    // `request` and a foreach item are scope entries, not sources to wait for.
    const scopeNames = new Set(['request', source.foreach?.as]);
    const inputs = [...new Set(source.dependsOn)].filter((name) => !scopeNames.has(name));
    const unknown = inputs.find((name) => !byName.has(name));
    if (unknown !== undefined) {
      throw refuse(
        source.location,
        `source ${source.name} depends on ${unknown}, which is not one of its sources`,
      );
    }
    return inputs;
  };

  const compile = (text: string, location: FilePosition, what: string): JsonataExpression => {
    try {
      return new JsonataExpression(text);
    } catch (error) {
      throw refuse(location, `${what}: ${(error as Error).message}`);
    }
  };

  const ordered: PlannedSource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (source: SourceDefinition, path: string[]): void => {
    const seen = state.get(source.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(source.name)), source.name].join(' → ');
      throw refuse(source.location, `its sources form a dependency cycle: ${cycle}`);
    }
    state.set(source.name, 'visiting');
    const dependsOn = inputsOf(source);
    for (const input of dependsOn) visit(byName.get(input) as SourceDefinition, [...path, source.name]);
    state.set(source.name, 'done');
    ordered.push({
      definition: source,
      dependsOn,
      when:
        source.when === undefined
          ? undefined
          : compile(source.when, source.location, `source ${source.name} when`),
      transform:
        source.transform === undefined
          ? undefined
          : compile(source.transform, source.location, `source ${source.name} transform`),
    });
  };
  for (const source of endpoint.sources) visit(source, []);

  return {
    endpoint,
    sources: ordered,
    transform:
      endpoint.transform === undefined
        ? undefined
        : compile(endpoint.transform, endpoint.location, 'transform'),
  };
}
