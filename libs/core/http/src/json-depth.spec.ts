import { nestsDeeperThan } from './json-depth';

const bytes = (text: string) => Buffer.from(text);

describe('nestsDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 3)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":[{"b":1}]}'), 2)).toBe(true);
    expect(nestsDeeperThan(bytes('{"text":"[[[[{{{{ \\" [[[["}'), 1)).toBe(false);
    expect(nestsDeeperThan(bytes('[[],[],[[]]]'), 3)).toBe(false);
    expect(nestsDeeperThan(bytes('[[],[],[[[]]]]'), 3)).toBe(true);
    expect(nestsDeeperThan(bytes('"[[[[" {} []'), 1)).toBe(false);
  });

  it('finds a 10,000-level document at once', () => {
    expect(nestsDeeperThan(bytes(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), 32)).toBe(true);
  });
});
