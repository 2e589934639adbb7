/**
 * The search for the largest approved amount: the decision only grows stricter as the amount
 * grows (the credit-risk model's weight on the amount is positive), so the amounts approved form
 * an interval from 0. Each step is one probe; the next probe depends on every answer before it,
 * which is why this is code and not YAML.
 */
export interface CreditLimitSearch {
  /** The largest amount approved so far (0: none yet). */
  approved: number;
  /** The smallest amount refused so far (none yet: the search still doubles). */
  refused?: number;
  /** The probability of default at `approved`. */
  probabilityAtApproved?: number;
  /** The next amount to ask about; absent once the search is over. */
  next?: number;
  probes: number;
}

export interface SearchBounds {
  /** Amounts are multiples of this (and the first probe). */
  precision: number;
  /** The largest amount the decision takes. */
  maximum: number;
}

export function startSearch({ precision }: SearchBounds): CreditLimitSearch {
  return { approved: 0, next: precision, probes: 0 };
}

/** The search after the decision for `search.next`. */
export function afterDecision(
  search: CreditLimitSearch,
  approved: boolean,
  probabilityOfDefault: number,
  { precision, maximum }: SearchBounds,
): CreditLimitSearch {
  const amount = search.next as number;
  const state: CreditLimitSearch = approved
    ? { ...search, approved: amount, probabilityAtApproved: probabilityOfDefault }
    : { ...search, refused: amount };
  state.probes += 1;
  const { approved: low, refused: high } = state;
  if (high === undefined) {
    // Double until refused, or until the largest amount the decision takes is approved.
    state.next = low >= maximum ? undefined : Math.min(low * 2, maximum);
  } else {
    const middle = Math.floor((low + high) / 2 / precision) * precision;
    state.next = high - low <= precision || middle <= low ? undefined : middle;
  }
  return state;
}
