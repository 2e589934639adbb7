export { SOURCE_ADAPTER_TYPE, SourceAdapterFor } from './source-adapter.decorator';
export { withinSourceCall } from './source-call.operator';
export { shapeProblems, type SourceShape } from './source-shape';
export type {
  SourceAdapter,
  SourceCall,
  SourceCallContext,
  ConfigurationSections,
  SourceDeclarationView,
  SourceProblem,
} from './source-adapter';
