export { SOURCE_ADAPTER_TYPE, SourceAdapterFor } from './source-adapter.decorator';
export type {
  SourceAdapter,
  SourceCall,
  SourceCallContext,
  SourceCatalog,
  SourceDeclarationView,
  SourceProblem,
} from './source-adapter';
