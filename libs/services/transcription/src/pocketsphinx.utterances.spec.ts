import { MAX_UTTERANCE_FRAMES, PAUSE_FRAMES, splitIntoUtterances } from './pocketsphinx.utterances';

/** Frame levels: `frames` frames at `db` dB each. */
const level = (db: number, frames: number): number[] => Array.from({ length: frames }, () => db);
const SPEECH = -20;
const ROOM_NOISE = -65;

describe('splitIntoUtterances', () => {
  it('keeps a recording without a pause whole, its leading and trailing silence included', () => {
    const levels = [...level(ROOM_NOISE, 80), ...level(SPEECH, 200), ...level(ROOM_NOISE, 80)];
    expect(splitIntoUtterances(levels)).toEqual([{ start: 0, end: 360 }]);
  });

  it('cuts in the middle of each pause of half a second or more between two sounds', () => {
    const levels = [
      ...level(SPEECH, 100),
      ...level(ROOM_NOISE, PAUSE_FRAMES),
      ...level(SPEECH, 100),
      ...level(-Infinity, 150),
      ...level(SPEECH, 100),
    ];
    expect(splitIntoUtterances(levels)).toEqual([
      { start: 0, end: 125 },
      { start: 125, end: 325 },
      { start: 325, end: 500 },
    ]);
  });

  it('does not cut at a shorter pause', () => {
    const levels = [...level(SPEECH, 100), ...level(ROOM_NOISE, PAUSE_FRAMES - 1), ...level(SPEECH, 100)];
    expect(splitIntoUtterances(levels)).toHaveLength(1);
  });

  it('judges silence against how loud the recording is', () => {
    // A quiet recording: its pauses are quieter than loud speech, but not silence for it.
    const quiet = [...level(-45, 100), ...level(-60, 80), ...level(-45, 100)];
    expect(splitIntoUtterances(quiet)).toHaveLength(1);
    const loud = [...level(-15, 100), ...level(-60, 80), ...level(-15, 100)];
    expect(splitIntoUtterances(loud)).toHaveLength(2);
  });

  it('cuts speech that runs on at its quietest moment, no utterance longer than 30 s', () => {
    const levels = level(SPEECH, 7000);
    // Quieter stretches, each inside the last 10 s of what would otherwise be too long.
    for (const at of [2500, 5200]) levels.splice(at, 30, ...level(-35, 30));
    const utterances = splitIntoUtterances(levels);
    expect(utterances.map((u) => u.end - u.start).every((length) => length <= MAX_UTTERANCE_FRAMES)).toBe(
      true,
    );
    const cuts = utterances.slice(0, -1).map((u) => u.end);
    expect(cuts).toHaveLength(2);
    expect(cuts[0]).toBeGreaterThanOrEqual(2500);
    expect(cuts[0]).toBeLessThan(2530);
    expect(cuts[1]).toBeGreaterThanOrEqual(5200);
    expect(cuts[1]).toBeLessThan(5230);
    expect(utterances.map((u) => u.start)).toEqual([0, ...cuts]);
    expect(utterances.at(-1)?.end).toBe(7000);
  });

  it('keeps digital silence whole: it is decoded like any other audio', () => {
    expect(splitIntoUtterances(level(-Infinity, 50))).toEqual([{ start: 0, end: 50 }]);
  });

  it('has nothing to decode in less than a frame', () => {
    expect(splitIntoUtterances([])).toEqual([]);
  });
});
