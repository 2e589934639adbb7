import { Injectable } from '@nestjs/common';
import { DATABASE_SOURCE_TYPE, DatabaseSourceAdapter } from '@libs/orchestrator/backends/database';
import { FEAST_SOURCE_TYPE, FeastSourceAdapter } from '@libs/orchestrator/backends/feast';
import { MODEL_SOURCE_TYPE, ModelSourceAdapter } from '@libs/orchestrator/backends/model';
import type { SourceAdapter, SourceCall } from '@libs/core/sources';
import { Observable, defer, forkJoin, map, switchMap } from 'rxjs';
import type { CompositeCaller } from '../composite-caller.decorator';
import { CompositeContext } from '../composite.context';
import type { CreditDecision, CreditRiskDto } from './credit-risk.dto';

export interface CreditRiskQuery {
  customerId: string;
  requestedAmount: number;
}

interface Customer {
  id: string;
}
interface Balance {
  total_balance: number;
}
interface CreditFeatures {
  customer_lifetime_value: number | null;
  purchase_frequency: number | null;
  days_since_last_purchase: number | null;
}
interface CreditRiskPrediction {
  probability_of_default: number;
}

/** The decision for a probability of default, with the thresholds `customers.score_credit_risk` uses. */
export function creditDecision(probabilityOfDefault: number): CreditDecision {
  if (probabilityOfDefault < 0.2) return 'approve';
  return probabilityOfDefault < 0.5 ? 'review' : 'decline';
}

/**
 * The credit-risk score of `customers.score_credit_risk`, written by hand: the customer and their
 * balance (database) and credit features (feature server) are fetched at once, then the
 * credit-risk model is asked, through the same adapters, configuration and deadline as the YAML
 * endpoint. The answer is the YAML endpoint's, field for field.
 */
@Injectable()
export class CreditRiskComposite {
  constructor(
    private readonly database: DatabaseSourceAdapter,
    private readonly feast: FeastSourceAdapter,
    private readonly model: ModelSourceAdapter,
    private readonly context: CompositeContext,
  ) {}

  /**
   * Emits the score once the model has answered. The first failure (a DownstreamError named
   * after its call: `customer`, `balance`, `features` or `risk`) ends it and cancels what is
   * still in flight; so do unsubscribing and the caller's signal.
   */
  run({ customerId, requestedAmount }: CreditRiskQuery, caller: CompositeCaller): Observable<CreditRiskDto> {
    return defer(() => {
      const context = this.context.for(caller);
      // Each answer has the shape its operation declares (database.yaml, the feature service, the model).
      const fetch = <T>(adapter: SourceAdapter, call: Omit<SourceCall, 'context'>) =>
        adapter.execute({ ...call, context }) as Observable<unknown> as Observable<T>;
      const byCustomer = { customer_id: customerId };
      return forkJoin({
        customer: fetch<Customer>(this.database, {
          source: 'customer',
          type: DATABASE_SOURCE_TYPE,
          operation: 'get_customer',
          params: byCustomer,
        }),
        balance: fetch<Balance>(this.database, {
          source: 'balance',
          type: DATABASE_SOURCE_TYPE,
          operation: 'get_customer_balance',
          params: byCustomer,
        }),
        features: fetch<CreditFeatures>(this.feast, {
          source: 'features',
          type: FEAST_SOURCE_TYPE,
          params: { feature_service: 'credit_features', entities: byCustomer },
        }),
      }).pipe(
        switchMap(({ customer, balance, features }) => {
          const inputs = {
            customer_lifetime_value: features.customer_lifetime_value,
            purchase_frequency: features.purchase_frequency,
            days_since_last_purchase: features.days_since_last_purchase,
            total_balance: balance.total_balance,
          };
          // In the order of the model's input columns (models/README.md).
          const columns = [...Object.values(inputs), requestedAmount];
          const risk = fetch<CreditRiskPrediction>(this.model, {
            source: 'risk',
            type: MODEL_SOURCE_TYPE,
            operation: 'credit_risk',
            params: { features: columns },
          });
          return risk.pipe(
            map(({ probability_of_default }) => ({
              customer_id: customer.id,
              requested_amount: requestedAmount,
              probability_of_default,
              inputs,
              decision: creditDecision(probability_of_default),
            })),
          );
        }),
      );
    });
  }
}
