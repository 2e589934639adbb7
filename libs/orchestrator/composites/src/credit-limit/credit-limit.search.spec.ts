import { afterDecision, startSearch, type SearchBounds } from './credit-limit.search';

/** Runs the search against a decision that approves every amount up to `limit`. */
function searchUpTo(limit: number, bounds: SearchBounds) {
  const asked: number[] = [];
  let search = startSearch(bounds);
  while (search.next !== undefined) {
    asked.push(search.next);
    search = afterDecision(search, search.next <= limit, search.next / 1e6, bounds);
  }
  return { search, asked };
}

describe('the credit limit search', () => {
  const bounds = { precision: 100, maximum: 1_000_000 };

  it.each([100, 2_500, 6_350, 6_399, 123_456, 999_900])(
    'finds the largest multiple of the precision approved under a limit of %i',
    (limit) => {
      const { search, asked } = searchUpTo(limit, bounds);
      expect(search.approved).toBe(Math.floor(limit / 100) * 100);
      expect(search.probabilityAtApproved).toBe(search.approved / 1e6);
      expect(search.probes).toBe(asked.length);
      // Doubling, then halving: a couple of probes per power of two below the limit.
      expect(asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(limit / 100)) + 2);
      expect(new Set(asked).size).toBe(asked.length);
    },
  );

  it('stops at the largest amount the decision takes when even that is approved', () => {
    const { search, asked } = searchUpTo(Infinity, bounds);
    expect(search.approved).toBe(1_000_000);
    expect(asked.at(-1)).toBe(1_000_000);
  });

  it('answers 0 when the first step is already refused', () => {
    const { search, asked } = searchUpTo(50, bounds);
    expect(search).toMatchObject({ approved: 0, probes: 1 });
    expect(search.probabilityAtApproved).toBeUndefined();
    expect(asked).toEqual([100]);
  });
});
