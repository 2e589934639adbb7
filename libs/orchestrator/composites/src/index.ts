export type { CompositeCaller } from './composite-caller.decorator';
export { CompositesModule } from './composites.module';
export {
  ProductSnapshotComposite,
  type ProductSnapshotQuery,
} from './product-snapshot/product-snapshot.composite';
export {
  CreditRiskComposite,
  creditDecision,
  type CreditRiskQuery,
} from './credit-risk/credit-risk.composite';
