import { Injectable } from '@nestjs/common';
import { DownstreamError } from '@libs/core/http';
import { Observable, expand, last, map, of } from 'rxjs';
import type { CompositeCaller } from '../composite-caller.decorator';
import { CompositeContext } from '../composite.context';
import { afterDecision, startSearch, type SearchBounds } from './credit-limit.search';
import type { CreditLimitDto } from './credit-limit.dto';

/** The YAML endpoint that decides on one amount: its thresholds and bounds live there only. */
export const CREDIT_DECISION = { domain: 'customers', name: 'score_credit_risk' } as const;
/** What its runs are recorded as: `composites.credit_limit`. */
export const CREDIT_LIMIT = 'credit_limit';
const APPROVED = 'approve';

interface CreditDecision {
  decision: string;
  probability_of_default: number;
}

/**
 * A customer's credit limit: the largest amount `customers.score_credit_risk` approves, found by
 * asking it about one amount after another (doubling, then halving the gap). Each probe runs the
 * YAML endpoint through the engine, so the decision rule is the one its YAML declares, whatever a
 * reload makes of it; the search is one execution record, holding every probe's sources.
 */
@Injectable()
export class CreditLimitComposite {
  constructor(private readonly composites: CompositeContext) {}

  /** Emits the limit once the search is over; the first failure of a probe ends it. */
  run(customerId: string, precision: number, caller: CompositeCaller): Observable<CreditLimitDto> {
    return this.composites.run(CREDIT_LIMIT, caller, (run) => {
      const { domain, name } = CREDIT_DECISION;
      const declared = run.requestParameter(domain, name, 'requested_amount');
      const bounds: SearchBounds = {
        precision,
        maximum: typeof declared?.['maximum'] === 'number' ? declared['maximum'] : Number.MAX_SAFE_INTEGER,
      };
      const decide = (amount: number) =>
        (
          run.endpoint(domain, name, {
            customer_id: customerId,
            requested_amount: amount,
          }) as Observable<CreditDecision>
        ).pipe(map((answer) => decisionOf(answer)));
      return of(startSearch(bounds)).pipe(
        expand((search) =>
          search.next === undefined
            ? []
            : decide(search.next).pipe(
                map(({ decision, probability_of_default }) =>
                  afterDecision(search, decision === APPROVED, probability_of_default, bounds),
                ),
              ),
        ),
        last(),
        map((search) => ({
          customer_id: customerId,
          credit_limit: search.approved,
          probability_of_default: search.probabilityAtApproved ?? null,
          precision,
          probes: search.probes,
          decided_by: `${domain}.${name}`,
        })),
      );
    });
  }
}

/** The decision of one answer; an answer without one means the YAML endpoint no longer decides. */
function decisionOf(answer: unknown): CreditDecision {
  const { decision, probability_of_default } = (answer ?? {}) as Partial<CreditDecision>;
  if (typeof decision !== 'string' || typeof probability_of_default !== 'number') {
    throw new DownstreamError(
      `${CREDIT_DECISION.domain}.${CREDIT_DECISION.name}`,
      'bad-gateway',
      `${CREDIT_DECISION.domain}.${CREDIT_DECISION.name} answered no decision and probability_of_default`,
    );
  }
  return { decision, probability_of_default };
}
