import type { TranscribedWord, TranscriptSegment } from './transcription.types';

/** A pause at least this long (seconds) ends a segment. */
export const SEGMENT_PAUSE_SECONDS = 0.3;
/** A segment that runs on without a pause is cut after this many words, to keep subtitles short. */
export const SEGMENT_MAX_WORDS = 15;
/**
 * Posteriors are printed with six decimals: a printed 0 means "below 1e-6", and taking that
 * instead of 0 keeps the log finite.
 */
const LEAST_PRINTED_PROBABILITY = 1e-6;

/** `word start end probability`, as `pocketsphinx_continuous -time yes` prints each token. */
const TIMED_TOKEN = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
/** `<s>`, `</s>`, `<sil>` and noise words like `[NOISE]`, which are not speech. */
const FILLER = /^(<.*>|\[.*\])$/;
/** `read(2)`: the dictionary's second pronunciation of `read`. */
const ALTERNATE_PRONUNCIATION = /\(\d+\)$/;
const UTTERANCE_START = '<s>';
const SILENCE = '<sil>';

export interface RecognisedSpeech {
  segments: TranscriptSegment[];
  words: TranscribedWord[];
}

/**
 * Reads the word timings out of pocketsphinx's output (the hypothesis lines in between are
 * skipped) and groups the words into segments, cut where the decoder started a new utterance,
 * at a long pause, or after `SEGMENT_MAX_WORDS` words.
 */
export function parseRecognition(output: string): RecognisedSpeech {
  const words: TranscribedWord[] = [];
  const segments: TranscriptSegment[] = [];
  let current: TranscribedWord[] = [];

  const closeSegment = () => {
    if (current.length === 0) return;
    segments.push(toSegment(segments.length, current));
    current = [];
  };

  for (const line of output.split('\n')) {
    const match = TIMED_TOKEN.exec(line.trim());
    if (!match) continue;
    const [, token, start, end, probability] = match;
    if (FILLER.test(token)) {
      const pause = Number(end) - Number(start);
      if (token === UTTERANCE_START || (token === SILENCE && pause >= SEGMENT_PAUSE_SECONDS)) closeSegment();
      continue;
    }
    const word = {
      word: token.replace(ALTERNATE_PRONUNCIATION, ''),
      start: Number(start),
      end: Number(end),
      // The decoder's rounding prints certainties like 1.000100.
      probability: Math.min(1, Number(probability)),
    };
    words.push(word);
    current.push(word);
    if (current.length === SEGMENT_MAX_WORDS) closeSegment();
  }
  closeSegment();
  return { segments, words };
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
