import type { OpenAPIObject } from '@nestjs/swagger';
import { securitySchemeDocumentation } from './security-scheme.openapi';

describe('securitySchemeDocumentation', () => {
  const document: OpenAPIObject = { openapi: '3.0.0', info: { title: 'demo', version: '1' }, paths: {} };
  const bearer = securitySchemeDocumentation('demo-token', { type: 'http', scheme: 'bearer' });

  it('declares the scheme under its name', () => {
    expect(bearer.extend(document)).toEqual({
      ...document,
      components: { securitySchemes: { 'demo-token': { type: 'http', scheme: 'bearer' } } },
    });
  });

  it('keeps the components and schemes already declared', () => {
    const declared = {
      ...document,
      components: {
        schemas: { Thing: { type: 'object' } },
        securitySchemes: { other: { type: 'apiKey', in: 'header', name: 'X-Other' } },
      },
    } satisfies OpenAPIObject;
    expect(bearer.extend(declared).components).toEqual({
      schemas: { Thing: { type: 'object' } },
      securitySchemes: {
        other: { type: 'apiKey', in: 'header', name: 'X-Other' },
        'demo-token': { type: 'http', scheme: 'bearer' },
      },
    });
  });
});
