import { NotFoundException } from '@nestjs/common';
import { DEMO_CUSTOMERS } from '@libs/demo/data';
import { DEMO_CREDIT_REPORTS } from './credit-bureau.data';
import { CreditReportStore } from './credit-report.store';

describe('CreditReportStore over the demo reports', () => {
  const store = new CreditReportStore();

  it('serves a report with the band of its score', () => {
    expect(store.reportOf('cus-1003')).toEqual({
      customer_id: 'cus-1003',
      score: 561,
      band: 'poor',
      open_credit_lines: 4,
      delinquencies_last_24m: 3,
      reported_at: '2026-11-01T06:00:00.000Z',
    });
  });

  it('throws a 404 for a customer it has no report on, naming it', () => {
    expect(() => store.reportOf('cus-9999')).toThrow(
      new NotFoundException('The credit bureau has no report on customer cus-9999'),
    );
  });

  it('counts its reports', () => {
    expect(store.size).toBe(4);
  });
});

describe('the demo reports', () => {
  it('cover exactly the demo customers, each in another band', () => {
    const store = new CreditReportStore();
    const customerIds = DEMO_CUSTOMERS.map((customer) => customer.id as string);
    expect(DEMO_CREDIT_REPORTS.map((report) => report.customer_id)).toEqual(customerIds);
    expect(customerIds.map((id) => [id, store.reportOf(id).band])).toEqual([
      ['cus-1001', 'exceptional'],
      ['cus-1002', 'very_good'],
      ['cus-1003', 'poor'],
      ['cus-1004', 'fair'],
    ]);
  });

  it('have counts that are whole numbers and ISO timestamps', () => {
    for (const report of DEMO_CREDIT_REPORTS) {
      expect(Number.isInteger(report.open_credit_lines) && report.open_credit_lines >= 0).toBe(true);
      expect(Number.isInteger(report.delinquencies_last_24m) && report.delinquencies_last_24m >= 0).toBe(
        true,
      );
      expect(new Date(report.reported_at).toISOString()).toBe(report.reported_at);
    }
  });
});
