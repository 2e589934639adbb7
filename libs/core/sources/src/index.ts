export { SOURCE_ADAPTER_TYPE, SourceAdapterFor } from './source-adapter.decorator';
export { withinSourceCall } from './source-call.operator';
export { objectWithFields, type ResultShape } from './result-shape';
export { perConfiguration } from './per-configuration';
export { shapeProblems, type SourceShape } from './source-shape';
export type {
  SourceAdapter,
  SourceCall,
  SourceCallContext,
  ConfigurationSections,
  SourceDeclarationView,
  SourceProblem,
} from './source-adapter';
export {
  compiledSection,
  type ConfigurationSection,
  type JsonSchema,
  type SectionCompilation,
  type SectionFiles,
  type SectionProblem,
} from './configuration-section';
