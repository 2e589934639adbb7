import { creditDecision } from './credit-risk.composite';

describe('creditDecision', () => {
  it('approves below 0.2, reviews below 0.5 and declines from 0.5, as customers.score_credit_risk does', () => {
    expect([0, 0.1999, 0.2, 0.4999, 0.5, 1].map(creditDecision)).toEqual([
      'approve',
      'approve',
      'review',
      'review',
      'decline',
      'decline',
    ]);
  });
});
