import type { ResultShape } from '@libs/core/sources';
import type { EndpointExpressions } from '../execution/execution.plan';
import type { ConfigurationProblem, EndpointDefinition } from '../model';
import { referencesIn, type Reference } from '../references';
import type { ConfigurationFile, ValuePath } from './configuration.file';
import { forEachString } from './endpoint.reader';
import type { AnalysedExpression } from './jsonata.references';

/** The shapes known at load, by source name, of one endpoint's sources. */
export type SourceShapes = ReadonlyMap<string, ResultShape>;

/**
 * References to fields that a source's result cannot have, given the shapes its adapter
 * reported at load: in the params, `foreach` items and expressions of the sources, in the
 * response mapping and in the endpoint's transform. Each problem names the fields there are.
 * A reference whose source has no known shape is left to the run-time rule.
 */
export function resultReferenceProblems(
  file: ConfigurationFile,
  endpoint: EndpointDefinition,
  expressions: EndpointExpressions<AnalysedExpression>,
  shapes: SourceShapes,
): ConfigurationProblem[] {
  if (shapes.size === 0) return [];
  const problems: ConfigurationProblem[] = [];
  const at: ValuePath = ['endpoints', endpoint.name];
  const templates = (value: unknown, path: ValuePath) =>
    forEachString(value, path, (text, where) => {
      for (const reference of referencesIn(text)) {
        const message = templateProblem(reference, shapes);
        if (message) problems.push(file.problem(where, message));
      }
    });
  // An expression that did not parse has none here: the endpoint reader reports it.
  const expression = (analysed: AnalysedExpression | undefined, path: ValuePath) => {
    if (analysed === undefined) return;
    const seen = new Set<string>();
    for (const { name, field } of analysed.variables) {
      const key = `${name}.${field}`;
      if (field === undefined || seen.has(key)) continue;
      seen.add(key);
      const message = expressionProblem(name, field, shapes);
      if (message) problems.push(file.problem(path, message));
    }
  };
  endpoint.sources.forEach((source, index) => {
    const sourceAt = [...at, 'data_sources', index];
    templates(source.params, [...sourceAt, 'params']);
    if (source.foreach) templates(source.foreach.items, [...sourceAt, 'foreach', 'items']);
    expression(expressions.sources[index].when, [...sourceAt, 'when']);
    expression(expressions.sources[index].transform, [...sourceAt, 'transform']);
  });
  templates(endpoint.responseMapping, [...at, 'response_mapping']);
  expression(expressions.transform, [...at, 'transform']);
  return problems;
}

/**
 * A reference of a template reads its path as it is: a field of an object, an index of a list
 * (`$accounts[0].balance`); a field of a list has no value.
 */
function templateProblem(reference: Reference, shapes: SourceShapes): string | undefined {
  let shape = shapes.get(reference.root);
  const walked: (string | number)[] = [];
  for (const step of reference.path) {
    if (!shape) return undefined;
    if (typeof step === 'number') {
      shape = shape.items;
    } else if (shape.fields) {
      if (!Object.hasOwn(shape.fields, step))
        return unknownField(reference.text, step, reference.root, walked, shape.fields);
      shape = shape.fields[step];
    } else if (shape.items) {
      return `"${reference.text}" reads field ${step} of ${describeValue(reference.root, walked)}, which is a list; expected an index first (${reference.text.replace(`.${step}`, `[0].${step}`)}) or a JSONata transform over its items`;
    } else {
      return undefined;
    }
    walked.push(step);
  }
  return undefined;
}

/** JSONata reads a field of a list from each of its items (`$accounts.balance`). */
function expressionProblem(root: string, field: string, shapes: SourceShapes): string | undefined {
  let shape = shapes.get(root);
  while (shape?.items && !shape.fields) shape = shape.items;
  if (!shape?.fields || Object.hasOwn(shape.fields, field)) return undefined;
  return unknownField(`$${root}.${field}`, field, root, [], shape.fields);
}

function unknownField(
  text: string,
  field: string,
  root: string,
  walked: (string | number)[],
  fields: Readonly<Record<string, ResultShape>>,
): string {
  const names = Object.keys(fields);
  const there = names.length > 0 ? `its fields: ${names.join(', ')}` : 'it has no fields';
  return `unknown field ${field} in "${text}": ${describeValue(root, walked)} has no field ${field}; ${there}`;
}

const describeValue = (root: string, walked: (string | number)[]): string =>
  walked.length === 0
    ? `the result of source ${root}`
    : `${root}${walked.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('')}`;
