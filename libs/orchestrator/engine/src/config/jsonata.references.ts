import jsonata from 'jsonata';
import type { ParsedExpression } from '../execution/execution.plan';
import { JsonataExpression } from '../execution/jsonata.expression';

/** A `$name` an expression reads, with the field it reads first (`$request.customer_id`). */
export interface VariableUse {
  name: string;
  field?: string;
}

/** An expression that parsed, with the variables it reads. */
export interface AnalysedExpression extends ParsedExpression {
  variables: VariableUse[];
}

/** A valid expression carries its parsed form, which the plan runs: it is parsed once. */
export type ExpressionAnalysis =
  ({ valid: true } & AnalysedExpression) | { valid: false; message: string; position?: number };

type AstNode = Record<string, unknown>;

/**
 * The variables a JSONata expression reads from outside, found in its syntax tree: the
 * context (`$`, `$$`), function calls, and names the expression binds itself (`$x := …`,
 * `function($v)`, `@$o`, `#$i`) are left out.
 */
export function analyseExpression(text: string): ExpressionAnalysis {
  let expression: JsonataExpression;
  try {
    expression = JsonataExpression.parse(text);
  } catch (error) {
    // JSONata throws plain objects with a message and the character where parsing stopped.
    const { message, position } = error as { message?: unknown; position?: unknown };
    return {
      valid: false,
      message: typeof message === 'string' ? message : String(error),
      position: typeof position === 'number' ? position : undefined,
    };
  }
  const uses: VariableUse[] = [];
  const bound = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const current = node as AstNode;
    for (const name of [current['focus'], current['index']]) if (typeof name === 'string') bound.add(name);
    if (current['type'] === 'bind') bound.add(String((current['lhs'] as AstNode)['value']));
    if (current['type'] === 'lambda') {
      for (const argument of current['arguments'] as AstNode[]) bound.add(String(argument['value']));
    }
    if (isNamedVariable(current)) uses.push({ name: String(current['value']) });
    if (current['type'] === 'path') {
      const [first, second] = current['steps'] as AstNode[];
      if (isNamedVariable(first) && second?.['type'] === 'name') {
        uses.push({ name: String(first['value']), field: String(second['value']) });
      }
    }
    for (const [key, child] of Object.entries(current)) if (key !== 'procedure') visit(child);
  };
  visit(expression.syntaxTree());
  return { valid: true, expression, variables: uses.filter((use) => !bound.has(use.name)) };
}

/** A `$name`, not the context `$` or the root `$$`. */
const isNamedVariable = (node: AstNode): boolean =>
  node['type'] === 'variable' && node['value'] !== '' && node['value'] !== '$';

const builtins = new Map<string, Promise<boolean>>();

/** Whether `$name` is one of JSONata's functions (`$count`, `$string`…), passed as a value. */
export function isJsonataFunction(name: string): Promise<boolean> {
  let known = builtins.get(name);
  if (!known) {
    known = jsonata(`$${name}`)
      .evaluate(null)
      .then((value) => value !== undefined);
    builtins.set(name, known);
  }
  return known;
}
