export { TextAnalysisModule } from './text-analysis.module';
export { TextAnalyzer, type TextAnalysis } from './text-analyzer';
