import type { CreditReportDto } from './credit-report.dto';

/** A report as the bureau keeps it: the band is derived from the score when it is served. */
export type StoredCreditReport = Omit<CreditReportDto, 'band'>;

/**
 * The bureau's reports on the demo shop's customers (`DEMO_CUSTOMERS` of @libs/demo/data),
 * one per customer and each in another band, so that a composite endpoint can show every kind
 * of decision:
 *
 * | customer | who          | score | band        | why                                     |
 * | -------- | ------------ | ----- | ----------- | --------------------------------------- |
 * | cus-1001 | Ada Lovelace | 812   | exceptional | long, clean history                     |
 * | cus-1002 | Grace Hopper | 748   | very_good   | one late payment two years ago          |
 * | cus-1003 | Alan Turing  | 561   | poor        | overdrawn, several recent late payments |
 * | cus-1004 | Hedy Lamarr  | 655   | fair        | new customer, thin credit file          |
 */
export const DEMO_CREDIT_REPORTS: readonly StoredCreditReport[] = [
  {
    customer_id: 'cus-1001',
    score: 812,
    open_credit_lines: 5,
    delinquencies_last_24m: 0,
    reported_at: '2026-10-31T06:00:00.000Z',
  },
  {
    customer_id: 'cus-1002',
    score: 748,
    open_credit_lines: 3,
    delinquencies_last_24m: 1,
    reported_at: '2026-10-31T06:00:00.000Z',
  },
  {
    customer_id: 'cus-1003',
    score: 561,
    open_credit_lines: 4,
    delinquencies_last_24m: 3,
    reported_at: '2026-11-01T06:00:00.000Z',
  },
  {
    customer_id: 'cus-1004',
    score: 655,
    open_credit_lines: 1,
    delinquencies_last_24m: 0,
    reported_at: '2026-11-01T06:00:00.000Z',
  },
];
