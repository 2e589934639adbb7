import { openApi30Schema } from './endpoint.openapi';

describe('openApi30Schema', () => {
  it("writes draft-07's numeric exclusive bounds as OpenAPI 3.0's boolean ones", () => {
    expect(openApi30Schema({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10 })).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 10,
      exclusiveMaximum: true,
    });
  });

  it('converts nested schemas and const, and leaves everything else as it is', () => {
    expect(
      openApi30Schema({
        type: 'object',
        required: ['amount'],
        properties: {
          amount: { type: 'number', exclusiveMinimum: 0, maximum: 5 },
          kind: { const: 'loan' },
          tags: { type: 'array', items: { type: 'integer', exclusiveMaximum: 3 } },
        },
        anyOf: [{ exclusiveMinimum: 1 }],
      }),
    ).toEqual({
      type: 'object',
      required: ['amount'],
      properties: {
        amount: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 5 },
        kind: { enum: ['loan'] },
        tags: { type: 'array', items: { type: 'integer', maximum: 3, exclusiveMaximum: true } },
      },
      anyOf: [{ minimum: 1, exclusiveMinimum: true }],
    });
  });
});
