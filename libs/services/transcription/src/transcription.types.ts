/** One recognised word; times in seconds from the start of the audio. */
export interface TranscribedWord {
  word: string;
  start: number;
  end: number;
  /** The recogniser's posterior probability of the word, 0..1. */
  probability: number;
}

/** A run of words between pauses. */
export interface TranscriptSegment {
  id: number;
  start: number;
  end: number;
  text: string;
  /** Mean natural log of the segment's word probabilities, as Whisper reports it. */
  avgLogprob: number;
}

export interface Transcription {
  text: string;
  /** ISO 639-1 code of the language the audio was decoded as. */
  language: string;
  /** Seconds of audio. */
  duration: number;
  segments: TranscriptSegment[];
  words: TranscribedWord[];
}

export interface TranscribeOptions {
  /** ISO 639-1 code; the engine's only language when omitted. */
  language?: string;
  /** Aborts a queued or running job, e.g. when the client has gone away. */
  signal?: AbortSignal;
  /** Receives the new segments each time an utterance has been decoded, in order. */
  onSegments?: (segments: TranscriptSegment[]) => void;
}
