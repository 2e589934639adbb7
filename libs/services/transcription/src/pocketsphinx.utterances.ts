/** A stretch of the audio decoded on its own, in 10 ms frames; `end` is exclusive. */
export interface Utterance {
  start: number;
  end: number;
}

/**
 * A pause at least this long ends an utterance: half a second, as PocketSphinx's own voice
 * activity detector (its `-vad_postspeech`, 50 frames) decides.
 */
export const PAUSE_FRAMES = 50;
/**
 * No utterance is longer than this (30 s): the decoder's memory grows with an utterance, and a
 * streamed transcript advances one utterance at a time.
 */
export const MAX_UTTERANCE_FRAMES = 3000;
/** An utterance that would run longer is cut at the quietest moment of its last 10 s. */
const FORCED_CUT_WINDOW_FRAMES = 1000;
/** "Quietest" is judged over 0.2 s, so that a stop consonant's closure inside a word does not qualify. */
const QUIETNESS_SPAN_FRAMES = 20;
/**
 * A frame is silent when it is this far below the recording's loud level (the level 95% of its
 * frames stay under), so that the threshold follows how loud the recording is.
 */
const SILENCE_BELOW_LOUD_DB = 30;
const LOUD_PERCENTILE = 0.95;

/**
 * Splits a recording (its frame levels, in dB) into utterances at its pauses, each cut in the
 * middle of the pause, and cuts any utterance longer than MAX_UTTERANCE_FRAMES. The utterances
 * cover every frame: nothing is skipped, so the decoder hears the audio as it was and the word
 * timings need no correction.
 *
 * Decoding the pauses apart gives the language model a sentence boundary there, as
 * `pocketsphinx_continuous` did; decoding every utterance whole (not as a stream) gives the
 * acoustic model its mean over that utterance, which is what makes the decoder accurate.
 */
export function splitIntoUtterances(levels: readonly number[]): Utterance[] {
  if (levels.length === 0) return [];
  const utterances: Utterance[] = [];
  let start = 0;
  for (const cut of [...pauseMiddles(levels), levels.length]) {
    for (const utterance of capped({ start, end: cut }, levels)) utterances.push(utterance);
    start = cut;
  }
  return utterances;
}

/** The middle frame of every pause between two sounds (not the silence before or after all). */
function pauseMiddles(levels: readonly number[]): number[] {
  const threshold = loudLevel(levels) - SILENCE_BELOW_LOUD_DB;
  const middles: number[] = [];
  let silentRun = 0;
  for (let frame = 0; frame < levels.length; frame++) {
    if (levels[frame] < threshold) {
      silentRun++;
      continue;
    }
    const pauseStart = frame - silentRun;
    if (silentRun >= PAUSE_FRAMES && pauseStart > 0) middles.push(pauseStart + Math.floor(silentRun / 2));
    silentRun = 0;
  }
  return middles;
}

function loudLevel(levels: readonly number[]): number {
  const sorted = levels.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? -Infinity : sorted[Math.floor((sorted.length - 1) * LOUD_PERCENTILE)];
}

function capped(utterance: Utterance, levels: readonly number[]): Utterance[] {
  const pieces: Utterance[] = [];
  let { start } = utterance;
  while (utterance.end - start > MAX_UTTERANCE_FRAMES) {
    const cut = quietestFrame(
      levels,
      start + MAX_UTTERANCE_FRAMES - FORCED_CUT_WINDOW_FRAMES,
      start + MAX_UTTERANCE_FRAMES,
    );
    pieces.push({ start, end: cut });
    start = cut;
  }
  pieces.push({ start, end: utterance.end });
  return pieces;
}

/** The frame in [from, to) around which the mean level over QUIETNESS_SPAN_FRAMES is lowest. */
function quietestFrame(levels: readonly number[], from: number, to: number): number {
  const half = QUIETNESS_SPAN_FRAMES / 2;
  let best = from;
  let bestLevel = Infinity;
  for (let frame = from; frame < to; frame++) {
    const span = levels.slice(Math.max(0, frame - half), frame + half);
    const level = span.reduce((sum, value) => sum + value, 0) / span.length;
    if (level < bestLevel) {
      best = frame;
      bestLevel = level;
    }
  }
  return best;
}
