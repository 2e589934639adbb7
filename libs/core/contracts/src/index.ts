export {
  ANALYSES,
  AnalyzeTextRequestDto,
  EntityDto,
  KeywordDto,
  LanguageDto,
  MAX_TEXT_LENGTH,
  SUPPORTED_LANGUAGES,
  SentimentDto,
  StatisticsDto,
  TextAnalysisDto,
  type Analysis,
  type SupportedLanguage,
} from './text-analysis.dto';
export {
  AUDIO_SIGNATURE_BYTES,
  TRANSCRIBABLE_EXTENSIONS,
  sniffAudioFormat,
  whyNotTranscribable,
  type AudioFileHead,
} from './audio-formats';
