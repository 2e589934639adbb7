import jsonata from 'jsonata';
import { defer, from, type Observable } from 'rxjs';

/**
 * A JSONata expression from an endpoint declaration, parsed once when its configuration loads
 * (`analyseExpression` reads its syntax tree, the plan keeps it): nothing parses it per request.
 */
export class JsonataExpression {
  private constructor(
    readonly text: string,
    private readonly compiled: jsonata.Expression,
  ) {}

  /** Throws JSONata's own error (a plain object with a message and a position) when `text` is not valid. */
  static parse(text: string): JsonataExpression {
    return new JsonataExpression(text, jsonata(text));
  }

  /** The syntax tree, for the loader's analysis of what the expression reads. */
  syntaxTree(): unknown {
    return this.compiled.ast();
  }

  /**
   * Evaluates with `input` as `$` and every scope entry bound as a variable (`$request`,
   * `$profile`…). A runtime failure is an Error carrying JSONata's message.
   */
  evaluate(input: unknown, scope: Readonly<Record<string, unknown>>): Observable<unknown> {
    return defer(() =>
      from(
        this.compiled.evaluate(input, scope).then(plainJson, (error: unknown) => {
          throw new Error(messageOf(error));
        }),
      ),
    );
  }
}

// JSONata's arrays carry sequence flags as extra properties: its results become plain JSON before
// they reach params, caches and responses.
const plainJson = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? JSON.parse(JSON.stringify(value)) : value;

// JSONata throws plain objects with a message and a position, not Error instances.
function messageOf(error: unknown): string {
  const { message, position } = (error ?? {}) as { message?: unknown; position?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof position === 'number' ? `${text} (at character ${position})` : text;
}
