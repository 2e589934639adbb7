/**
 * What a source's result looks like, as far as its adapter knows when a configuration loads, so
 * that the engine can refuse references to fields the result cannot have. A shape with neither
 * `fields` nor `items` says nothing about its value.
 */
export interface ResultShape {
  /**
   * The result is an object with exactly these fields (a row's columns, a model's outputs), each
   * with its shape when known. Absent when the fields are not known (or not closed).
   */
  fields?: Readonly<Record<string, ResultShape>>;
  /** The result is a list whose items have this shape (the rows of a query). */
  items?: ResultShape;
}

/** An object with these fields, of unknown shapes themselves. */
export const objectWithFields = (names: Iterable<string>): ResultShape => ({
  fields: Object.fromEntries([...names].map((name) => [name, {}])),
});
