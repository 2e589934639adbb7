import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import type { ConfigurationProblem, FilePosition } from '../model';

/** Where a value is inside a file: map keys and sequence indexes from the document's root. */
export type ValuePath = readonly (string | number)[];

/** One YAML file of a configuration directory, parsed with the position of every node. */
export class ConfigurationFile {
  private constructor(
    /** Relative to the configuration directory, e.g. `domains/customers.yaml`. */
    readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): ConfigurationFile {
    const lines = new LineCounter();
    // `merge` lets files reuse blocks with YAML's `<<: *anchor`.
    const document = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: false });
    return new ConfigurationFile(file, document, lines);
  }

  /** Syntax errors and warnings; when there are any, `value` is not to be trusted. */
  syntaxProblems(): ConfigurationProblem[] {
    return [...this.document.errors, ...this.document.warnings].map((error: YAMLError) => ({
      file: this.file,
      ...this.position(error.pos[0]),
      message: `invalid YAML: ${error.message}`,
    }));
  }

  /** The file's content as plain data (an empty file is null). */
  value(): unknown {
    return this.document.toJS();
  }

  /**
   * Where the value at `path` is written (or, with `key`, the key naming it). A path that leads
   * nowhere, as to a missing property, gives the deepest node it reaches.
   */
  location(path: ValuePath, options: { key?: boolean } = {}): FilePosition {
    let node: Node | null = this.document.contents;
    for (const [index, step] of path.entries()) {
      if (isAlias(node)) node = node.resolve(this.document) ?? node;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step));
        if (!pair) break;
        const last = index === path.length - 1;
        node = ((last && options.key) || !pair.value ? pair.key : pair.value) as Node;
      } else if (isSeq(node) && isNode(node.items[Number(step)])) {
        node = node.items[Number(step)] as Node;
      } else {
        break;
      }
    }
    return { file: this.file, ...this.position(node?.range?.[0] ?? 0) };
  }

  problem(path: ValuePath, message: string, options: { key?: boolean } = {}): ConfigurationProblem {
    return { ...this.location(path, options), message };
  }

  private position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && 'range' in value;

/** A path as people read it: `endpoints.get_customer.data_sources[0].params`. */
export const pathText = (path: ValuePath): string =>
  path.length === 0
    ? 'the top level'
    : path
        .map((step, index) => (typeof step === 'number' ? `[${step}]` : index === 0 ? step : `.${step}`))
        .join('');
