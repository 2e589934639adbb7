import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The one Ajv configuration of the repository: every JSON Schema is compiled by an instance made
 * here, so that what a schema means (its formats, how strictly its keywords are read) is the same
 * wherever it is checked. Strict, so that a misspelt or misplaced keyword in a schema is an error
 * rather than a check that silently never runs; every error is collected, with the data at fault,
 * so that a file's problems are all reported at once and in words.
 *
 * `overrides` are for the few validators whose purpose is not to check a schema-defined format
 * but to adapt data to one; each caller says why it needs them.
 */
export function createAjv(overrides: Options = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    verbose: true,
    ...overrides,
  });
  addFormats(ajv);
  return ajv;
}
