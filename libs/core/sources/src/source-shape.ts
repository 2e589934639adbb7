import type { SourceDeclarationView, SourceProblem } from './source-adapter';

/** The operations and params a source type takes, for types whose params are fixed. */
export interface SourceShape {
  /** The first is the default, for declarations that name none. */
  operations: readonly string[];
  required: readonly string[];
  optional: readonly string[];
}

/** What a declaration gets wrong against its type's shape: its operation, missing and unknown params. */
export function shapeProblems(source: SourceDeclarationView, shape: SourceShape): SourceProblem[] {
  const problems: SourceProblem[] = [];
  if (source.operation !== undefined && !shape.operations.includes(source.operation)) {
    problems.push({
      path: ['operation'],
      message: `unknown operation ${source.operation}; ${source.type} sources have: ${shape.operations.join(', ')}`,
    });
  }
  for (const param of shape.required.filter((name) => !(name in source.params))) {
    problems.push({ path: ['params'], message: `${source.type} sources need param ${param}` });
  }
  const known = [...shape.required, ...shape.optional];
  for (const param of Object.keys(source.params).filter((name) => !known.includes(name))) {
    problems.push({
      path: ['params', param],
      message: `unknown param ${param}; ${source.type} sources take ${known.join(', ')}`,
    });
  }
  return problems;
}
