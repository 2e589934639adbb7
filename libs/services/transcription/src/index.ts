export { PocketSphinxEngine, SUPPORTED_LANGUAGES, TRANSCRIPTION_MODEL_ID } from './pocketsphinx.engine';
export {
  type TranscriptionConfig,
  transcriptionConfig,
  transcriptionEnvironment,
} from './transcription.config';
export type { ResponseFormat, TimestampGranularity } from './transcription.formats';
export { TranscriptionModule } from './transcription.module';
export type {
  TranscribeOptions,
  TranscribedWord,
  Transcription,
  TranscriptSegment,
} from './transcription.types';
