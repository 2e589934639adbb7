import { bandOf } from './credit-band';

describe('bandOf', () => {
  it.each([
    [300, 'poor'],
    [579, 'poor'],
    [580, 'fair'],
    [669, 'fair'],
    [670, 'good'],
    [739, 'good'],
    [740, 'very_good'],
    [799, 'very_good'],
    [800, 'exceptional'],
    [850, 'exceptional'],
  ])('puts %i in %s', (score, band) => {
    expect(bandOf(score)).toBe(band);
  });

  it('refuses what is not a score from 300 to 850', () => {
    for (const score of [299, 851, 700.5, Number.NaN]) {
      expect(() => bandOf(score)).toThrow(RangeError);
    }
  });
});
