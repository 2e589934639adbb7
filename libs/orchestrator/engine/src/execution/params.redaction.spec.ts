import { Readable } from 'node:stream';
import { REDACTED, redactParams } from './params.redaction';

describe('redactParams', () => {
  it('redacts sensitive fields, secret-looking names and values read from sensitive fields', () => {
    expect(
      redactParams(
        {
          ssn: '123',
          identity: '123',
          note: 'ssn 123',
          accessToken: 'a',
          'X-Api-Key': 'b',
          client_secret: 'c',
          max_tokens: 5,
          tokenizer: 'bpe',
        },
        { identity: '$request.ssn', note: 'ssn ${request.ssn}' },
        ['ssn'],
      ),
    ).toEqual({
      ssn: REDACTED,
      identity: REDACTED,
      note: REDACTED,
      accessToken: REDACTED,
      'X-Api-Key': REDACTED,
      client_secret: REDACTED,
      max_tokens: 5,
      tokenizer: 'bpe',
    });
  });

  it('walks nested objects and arrays, and names what is not plain data instead of walking it', () => {
    expect(
      redactParams(
        {
          body: { customers: [{ id: 1, password: 'p' }], literal: 'x' },
          file: Readable.from(['audio']),
          bytes: Buffer.from('abc'),
        },
        { body: { customers: '$request.customers', literal: 'x' }, file: '$request.file' },
        [],
      ),
    ).toEqual({
      body: { customers: [{ id: 1, password: REDACTED }], literal: 'x' },
      file: '[Readable]',
      bytes: '[Buffer]',
    });
  });
});
