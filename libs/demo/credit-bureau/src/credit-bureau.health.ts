import { countHealthController } from '@libs/demo/support';
import { CreditReportStore } from './credit-report.store';

/** `GET /health`: open (no API key) and never delayed, so that probes tell the truth. */
export const CreditBureauHealthController = countHealthController({
  indicator: 'credit_bureau',
  summary: 'Up while the reports are loaded; counts them',
  store: CreditReportStore,
  counts: (store: CreditReportStore) => ({ reports: store.size }),
  upWhile: 'reports',
});
