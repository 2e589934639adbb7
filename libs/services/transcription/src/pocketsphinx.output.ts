import type { TranscribedWord, TranscriptSegment } from './transcription.types';

/** A pause at least this long (seconds) ends a segment. */
export const SEGMENT_PAUSE_SECONDS = 0.3;
/** A segment that runs on without a pause is cut after this many words, to keep subtitles short. */
export const SEGMENT_MAX_WORDS = 15;
/**
 * Posteriors are printed with three decimals: a printed 0 means "below 0.0005", and taking
 * this instead of 0 keeps the log finite.
 */
const LEAST_PRINTED_PROBABILITY = 1e-3;

/** What one line of `pocketsphinx_batch`'s log (where its CTM output is sent too) says. */
export type DecoderLine =
  /** A recognised word of an utterance, timed from the utterance's start. */
  | { kind: 'word'; utterance: string; word: TranscribedWord }
  /** The last line the decoder writes about an utterance. */
  | { kind: 'done'; utterance: string }
  /** The decoder skipped the utterance it was at (e.g. its file could not be opened). */
  | { kind: 'skipped'; message: string }
  /** An error that may explain a later failure. */
  | { kind: 'error'; message: string };

/**
 * `uttid channel start duration word posterior`: the CTM line `-ctm` writes for each real word
 * (fillers and `<s>`/`</s>` left out, alternate pronunciations such as `read(2)` already named
 * by their base word).
 */
const CTM_WORD = /^(\S+) 1 (\d+\.\d+) (\d+\.\d+) (\S+) (\d+\.\d+)$/;
/** `E_INFO_NOFN("%s done ----…")`, after everything else written about that utterance. */
const UTTERANCE_DONE = /^(\S+) done -+$/;
/** batch.c's errors for a control line it then skips without a result (`continue`). */
const SKIPPED = /^ERROR: "batch\.c", line \d+: (.*)$/;
const ERROR = /^(?:ERROR|FATAL|FATAL_ERROR): (.*)$/;

/** Reads one line of the decoder's log; lines that say nothing of use are `undefined`. */
export function readDecoderLine(line: string): DecoderLine | undefined {
  const word = CTM_WORD.exec(line);
  if (word) {
    const [, utterance, start, duration, text, probability] = word;
    return {
      kind: 'word',
      utterance,
      word: {
        word: text,
        start: Number(start),
        end: roundToFrame(Number(start) + Number(duration)),
        // The decoder's rounding prints certainties like 1.001.
        probability: Math.min(1, Number(probability)),
      },
    };
  }
  const done = UTTERANCE_DONE.exec(line);
  if (done) return { kind: 'done', utterance: done[1] };
  const skipped = SKIPPED.exec(line);
  if (skipped) return { kind: 'skipped', message: skipped[1] };
  const error = ERROR.exec(line);
  return error ? { kind: 'error', message: error[1] } : undefined;
}

/**
 * Groups one utterance's words (timed from the start of the audio) into segments, cut at
 * pauses of SEGMENT_PAUSE_SECONDS or more and after SEGMENT_MAX_WORDS words; ids follow on
 * from `firstId`.
 */
export function toSegments(words: readonly TranscribedWord[], firstId: number): TranscriptSegment[] {
  const groups: TranscribedWord[][] = [];
  for (const word of words) {
    const current = groups.at(-1);
    const previous = current?.at(-1);
    if (
      !current ||
      !previous ||
      word.start - previous.end >= SEGMENT_PAUSE_SECONDS ||
      current.length === SEGMENT_MAX_WORDS
    ) {
      groups.push([word]);
    } else {
      current.push(word);
    }
  }
  return groups.map((group, i) => toSegment(firstId + i, group));
}

/** Timings are whole frames (10 ms); adding two printed ones must not leave float noise. */
export function roundToFrame(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

function toSegment(id: number, words: TranscribedWord[]): TranscriptSegment {
  const logprobs = words.map((w) => Math.log(Math.max(w.probability, LEAST_PRINTED_PROBABILITY)));
  return {
    id,
    start: words[0].start,
    end: words[words.length - 1].end,
    text: words.map((w) => w.word).join(' '),
    avgLogprob: logprobs.reduce((sum, value) => sum + value, 0) / logprobs.length,
  };
}
