export {
  ANALYSES,
  SUPPORTED_LANGUAGES,
  TextAnalyzer,
  type Analysis,
  type SupportedLanguage,
  type TextAnalysis,
} from './text-analyzer';
