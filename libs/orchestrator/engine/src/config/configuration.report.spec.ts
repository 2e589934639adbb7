import type { ConfigurationSnapshot } from '../model';
import { describeSnapshot, formatProblem } from './configuration.report';

describe('formatProblem', () => {
  it('puts the file, line and column first, as compilers do', () => {
    expect(
      formatProblem({
        file: 'domains/customers.yaml',
        line: 12,
        column: 9,
        message: 'unknown source type "fest"; expected one of: api, audio, text',
      }),
    ).toBe('domains/customers.yaml:12:9: unknown source type "fest"; expected one of: api, audio, text');
    expect(formatProblem({ file: 'domains/my customers.yaml', message: 'bad name' })).toBe(
      'domains/my customers.yaml: bad name',
    );
    expect(formatProblem({ message: 'no directory' })).toBe('no directory');
  });
});

describe('describeSnapshot', () => {
  it('says what a configuration serves, in one line', () => {
    const snapshot = {
      version: '0123456789ab',
      summaries: ['1 integration'],
      endpoints: ['catalog', 'catalog', 'speech'].map((domain) => ({ definition: { domain } })),
    } as unknown as ConfigurationSnapshot;

    expect(describeSnapshot(snapshot)).toBe(
      '3 endpoints in 2 domains (catalog, speech), 1 integration, version 0123456789ab',
    );
  });
});
