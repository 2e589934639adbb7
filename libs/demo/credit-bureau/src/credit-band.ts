export const MIN_SCORE = 300;
export const MAX_SCORE = 850;

export const CREDIT_BANDS = ['poor', 'fair', 'good', 'very_good', 'exceptional'] as const;
export type CreditBand = (typeof CREDIT_BANDS)[number];

/**
 * The lowest score of each band, highest band first. The thresholds are the usual ones of
 * FICO-style scores from 300 to 850: poor 300–579, fair 580–669, good 670–739,
 * very_good 740–799, exceptional 800–850.
 */
const BAND_FLOORS: readonly [CreditBand, number][] = [
  ['exceptional', 800],
  ['very_good', 740],
  ['good', 670],
  ['fair', 580],
  ['poor', MIN_SCORE],
];

/** The band of a score from 300 to 850. */
export function bandOf(score: number): CreditBand {
  // The last floor is MIN_SCORE: only a score below the range finds no band.
  const band = BAND_FLOORS.find(([, floor]) => score >= floor);
  if (band === undefined || score > MAX_SCORE || !Number.isInteger(score)) {
    throw new RangeError(`A credit score is an integer from ${MIN_SCORE} to ${MAX_SCORE}, not ${score}`);
  }
  return band[0];
}
