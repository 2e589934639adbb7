import { deflateSync } from 'node:zlib';
import type { TranscriptSegment, Transcription } from './transcription.types';

export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];
/** The formats whose content a stream of text events carries (OpenAI streams json and text). */
export const STREAMED_FORMATS = ['json', 'text'] as const satisfies readonly ResponseFormat[];
export const TIMESTAMP_GRANULARITIES = ['segment', 'word'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];

/** A response body and the content type OpenAI sends it with. */
export interface RenderedTranscription {
  contentType: 'application/json' | 'text/plain' | 'text/vtt';
  body: string | object;
}

export interface VerboseSegment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
}

export interface VerboseWord {
  word: string;
  start: number;
  end: number;
}

export interface VerboseTranscription {
  task: 'transcribe';
  language: string;
  duration: number;
  text: string;
  segments?: VerboseSegment[];
  words?: VerboseWord[];
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/**
 * Renders a transcription the way OpenAI's `/v1/audio/transcriptions` answers it. Segments are
 * OpenAI's default granularity; words come only when asked for, as with OpenAI.
 */
export function renderTranscription(
  transcription: Transcription,
  format: ResponseFormat = 'json',
  granularities: readonly TimestampGranularity[] = ['segment'],
): RenderedTranscription {
  switch (format) {
    case 'json':
      return { contentType: 'application/json', body: { text: transcription.text } };
    case 'text':
      return { contentType: 'text/plain', body: transcription.text };
    case 'srt':
      return { contentType: 'text/plain', body: toSrt(transcription.segments) };
    case 'vtt':
      return { contentType: 'text/vtt', body: toVtt(transcription.segments) };
    case 'verbose_json':
      return { contentType: 'application/json', body: toVerbose(transcription, granularities) };
  }
}

function toVerbose(
  transcription: Transcription,
  granularities: readonly TimestampGranularity[],
): VerboseTranscription {
  return {
    task: 'transcribe',
    // OpenAI names the language in full and in lower case: "english".
    language: (languageNames.of(transcription.language) ?? transcription.language).toLowerCase(),
    duration: transcription.duration,
    text: transcription.text,
    ...(granularities.includes('segment') ? { segments: transcription.segments.map(toVerboseSegment) } : {}),
    ...(granularities.includes('word')
      ? { words: transcription.words.map(({ word, start, end }) => ({ word, start, end })) }
      : {}),
  };
}

/**
 * Whisper-only fields are given their neutral value: the decoder has no 30-second windows
 * (`seek`), no tokens, samples nothing (`temperature`) and no speech/no-speech classifier.
 */
function toVerboseSegment(segment: TranscriptSegment): VerboseSegment {
  return {
    id: segment.id,
    seek: 0,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    tokens: [],
    temperature: 0,
    avg_logprob: segment.avgLogprob,
    compression_ratio: compressionRatio(segment.text),
    no_speech_prob: 0,
  };
}

/** Whisper's measure of repetitive text: UTF-8 bytes over their zlib-compressed size. */
function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length / deflateSync(bytes).length;
}

function toSrt(segments: TranscriptSegment[]): string {
  return segments
    .map((s, i) => `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(s.end, ',')}\n${s.text}\n\n`)
    .join('');
}

function toVtt(segments: TranscriptSegment[]): string {
  const cues = segments.map((s) => `${timestamp(s.start, '.')} --> ${timestamp(s.end, '.')}\n${s.text}\n\n`);
  return `WEBVTT\n\n${cues.join('')}`;
}

/** `HH:MM:SS,mmm` (SubRip) or `HH:MM:SS.mmm` (WebVTT). */
function timestamp(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor(totalMs / 60_000) % 60;
  const secs = Math.floor(totalMs / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(totalMs % 1000, 3)}`;
}
