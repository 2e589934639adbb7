import { exactNumber, plainValue } from './database.rows';

describe('plainValue', () => {
  it('gives JSON with stable types', () => {
    expect(
      plainValue({
        big: 42n,
        huge: 2n ** 60n,
        at: new Date('2024-06-01T12:00:00Z'),
        bytes: Buffer.from('hi'),
        nested: { list: [1n, null] },
        missing: undefined,
      }),
    ).toEqual({
      big: 42,
      huge: '1152921504606846976',
      at: '2024-06-01T12:00:00.000Z',
      bytes: 'aGk=',
      nested: { list: [1, null] },
      missing: null,
    });
  });
});

describe('exactNumber', () => {
  it.each([
    ['42', 42],
    ['-7', -7],
    ['12.50', 12.5],
    ['100.00', 100],
    ['0.10', 0.1],
    ['9007199254740993', '9007199254740993'],
    ['12345678901234567.89', '12345678901234567.89'],
    ['NaN', 'NaN'],
  ])('%s → %p', (text, expected) => {
    expect(exactNumber(text)).toBe(expected);
  });
});
