import type { EndpointDefinition, SourceDefinition } from '../model';
import { Template } from '../references';
import type { JsonataExpression } from './jsonata.expression';

/** An expression of a declaration, parsed (what the loader learnt of it besides may come with it). */
export interface ParsedExpression {
  expression: JsonataExpression;
}

/** The parsed expressions of one source: its condition and the transform of its result. */
export interface SourceExpressions<E extends ParsedExpression = ParsedExpression> {
  when?: E;
  transform?: E;
}

/**
 * An endpoint's JSONata expressions as the configuration loader parsed them: one entry per
 * source, in declaration order, and the endpoint's own transform.
 */
export interface EndpointExpressions<E extends ParsedExpression = ParsedExpression> {
  sources: readonly SourceExpressions<E>[];
  transform?: E;
}

/** One source of a plan, with what it waits for and its expressions parsed. */
export interface PlannedSource {
  definition: SourceDefinition;
  /** The sources whose results this one needs before it starts (its own inputs, no more). */
  dependsOn: readonly string[];
  /** Its `params`, and its `foreach` items, with their references found. */
  params: Template;
  foreachItems?: Template;
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
  /** The endpoint's `response_mapping` with its references found; none returns the primary source's result. */
  responseMapping?: Template;
  /** The endpoint's own `transform`, applied to the mapped response. */
  transform?: JsonataExpression;
}

/**
 * Plans an endpoint that loaded: its `dependsOn` name only its own sources and form no cycle,
 * which the configuration loader checked (`endpoint.reader`), and its expressions are the ones
 * the loader parsed. Nothing is checked or parsed again here; the references of its params and
 * response mapping are found here, once.
 */
export function planExecution(endpoint: EndpointDefinition, expressions: EndpointExpressions): ExecutionPlan {
  const byName = new Map(endpoint.sources.map((source, index) => [source.name, index]));
  const ordered: PlannedSource[] = [];
  const planned = new Set<string>();
  const visit = (index: number): void => {
    const definition = endpoint.sources[index];
    if (planned.has(definition.name)) return;
    planned.add(definition.name);
    for (const input of definition.dependsOn) visit(byName.get(input) as number);
    const { when, transform } = expressions.sources[index];
    ordered.push({
      definition,
      dependsOn: definition.dependsOn,
      params: new Template(definition.params),
      foreachItems: definition.foreach && new Template(definition.foreach.items),
      when: when?.expression,
      transform: transform?.expression,
    });
  };
  endpoint.sources.forEach((_, index) => visit(index));
  const { responseMapping } = endpoint;
  return {
    endpoint,
    sources: ordered,
    responseMapping:
      responseMapping === null || responseMapping === undefined ? undefined : new Template(responseMapping),
    transform: expressions.transform?.expression,
  };
}
