import { Injectable, NotFoundException } from '@nestjs/common';
import { bandOf } from './credit-band';
import { DEMO_CREDIT_REPORTS } from './credit-bureau.data';
import type { CreditReportDto } from './credit-report.dto';

/** The bureau's reports, read-only and in memory, with their bands. Unknown customers are a 404. */
@Injectable()
export class CreditReportStore {
  private readonly reports = new Map<string, CreditReportDto>(
    DEMO_CREDIT_REPORTS.map(({ customer_id, score, ...history }) => [
      customer_id,
      { customer_id, score, band: bandOf(score), ...history },
    ]),
  );

  /** How many customers the bureau has a report on. */
  get size(): number {
    return this.reports.size;
  }

  reportOf(customerId: string): CreditReportDto {
    const report = this.reports.get(customerId);
    if (report === undefined) {
      throw new NotFoundException(`The credit bureau has no report on customer ${customerId}`);
    }
    return report;
  }
}
