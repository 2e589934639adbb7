import { engineFileValidator, schemaViolations, sectionValidator } from './configuration.schema';

describe('schemaViolations', () => {
  it('holds each of the engine’s files to its own part of the schema', () => {
    expect(schemaViolations(engineFileValidator('configFile'), { endpoints: {} })).toEqual([
      {
        path: ['endpoints'],
        key: true,
        message: 'the top level: unknown property "endpoints"; expected one of: settings',
      },
    ]);
    expect(schemaViolations(engineFileValidator('domainFile'), {})).toEqual([
      { path: [], key: false, message: 'the top level: missing required property "endpoints"' },
    ]);
  });

  it('holds a source type’s file to its section’s schema, in the same words', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      properties: { operations: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } } },
    };
    const validate = sectionValidator(schema);

    expect(sectionValidator(schema)).toBe(validate);
    expect(schemaViolations(validate, { operations: { get: 'x' } })).toEqual([]);
    expect(schemaViolations(validate, { connections: {}, operations: { get: '' } })).toEqual([
      {
        path: ['connections'],
        key: true,
        message: 'the top level: unknown property "connections"; expected one of: operations',
      },
      {
        path: ['operations', 'get'],
        key: false,
        message: 'operations.get: got ""; expected a non-empty string',
      },
    ]);
  });

  it('refuses a section schema that the one strict Ajv configuration cannot take', () => {
    expect(() =>
      sectionValidator({ type: 'object', properties: { a: { type: 'string', minimum: 1 } } }),
    ).toThrow(/strict mode/);
  });
});
