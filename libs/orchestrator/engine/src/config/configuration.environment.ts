import type { ValuePath } from './configuration.file';

const VARIABLE = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/** A `${NAME}` or `${NAME:-default}` anywhere in a string, as a JSON Schema pattern. */
export const VARIABLE_PATTERN = VARIABLE.source;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface UnsetVariable {
  path: ValuePath;
  name: string;
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of `value` from the environment, so
 * that one configuration serves several machines (`base_url: ${CATALOG_API_URL:-http://…}`).
 * Only capitalised names are variables: `${profile.name}` stays as written. A variable that is
 * unset and has no default is reported, and left as written.
 */
export function interpolateEnvironment(
  value: unknown,
  environment: Environment,
  path: ValuePath = [],
): { value: unknown; unset: UnsetVariable[] } {
  const unset: UnsetVariable[] = [];
  const visit = (item: unknown, at: ValuePath): unknown => {
    if (typeof item === 'string') {
      return item.replace(VARIABLE, (text, name: string, fallback: string | undefined) => {
        const set = environment[name];
        // As in the shell, `:-` also replaces a variable set to nothing.
        const found = set === undefined || (set === '' && fallback !== undefined) ? fallback : set;
        if (found === undefined) unset.push({ path: at, name });
        return found ?? text;
      });
    }
    if (Array.isArray(item)) return item.map((element, index) => visit(element, [...at, index]));
    if (item && typeof item === 'object') {
      return Object.fromEntries(
        Object.entries(item).map(([key, element]) => [key, visit(element, [...at, key])]),
      );
    }
    return item;
  };
  return { value: visit(value, path), unset };
}
