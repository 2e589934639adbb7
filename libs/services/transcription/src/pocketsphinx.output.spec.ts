import { SEGMENT_MAX_WORDS, readDecoderLine, roundToFrame, toSegments } from './pocketsphinx.output';
import type { TranscribedWord } from './transcription.types';

// Written by `pocketsphinx_batch -ctm /dev/stderr` (its log on the same stream) for
// goforward.raw of pocketsphinx-testdata.
const DECODER_OUTPUT = `INFO: batch.c(729): Decoding 'u7'
INFO: cmn.c(133): CMN: 40.79 -3.27 -1.60  4.73 -3.81 -4.06 -5.46 -1.51  0.27 -3.05 -1.52 -1.76 -3.08
u7 1 0.46 0.17 go 0.997
u7 1 0.64 0.52 forward 0.996
u7 1 1.17 0.35 ten 0.190
u7 1 1.53 0.58 meters 0.794
INFO: batch.c(760): u7: 2.78 seconds speech, 0.71 seconds CPU, 1.68 seconds wall
go forward ten meters (u7 -7230)
u7 done --------------------------------------`;

describe('readDecoderLine', () => {
  const read = DECODER_OUTPUT.split('\n').map(readDecoderLine).filter(Boolean);

  it('reads each CTM word, timed from the start of its utterance, then the end of the utterance', () => {
    expect(read).toEqual([
      { kind: 'word', utterance: 'u7', word: { word: 'go', start: 0.46, end: 0.63, probability: 0.997 } },
      {
        kind: 'word',
        utterance: 'u7',
        word: { word: 'forward', start: 0.64, end: 1.16, probability: 0.996 },
      },
      { kind: 'word', utterance: 'u7', word: { word: 'ten', start: 1.17, end: 1.52, probability: 0.19 } },
      { kind: 'word', utterance: 'u7', word: { word: 'meters', start: 1.53, end: 2.11, probability: 0.794 } },
      { kind: 'done', utterance: 'u7' },
    ]);
  });

  it('caps the certainties that rounding prints above 1', () => {
    expect(readDecoderLine('u1 1 0.10 0.20 yes 1.001')).toMatchObject({ word: { probability: 1 } });
  });

  it('tells a control line the decoder skipped from an error that may explain a later failure', () => {
    expect(
      readDecoderLine('ERROR: "batch.c", line 389: Failed to open /tmp/a.wav: No such file or directory'),
    ).toEqual({ kind: 'skipped', message: 'Failed to open /tmp/a.wav: No such file or directory' });
    expect(
      readDecoderLine('FATAL: "acmod.c", line 83: Folder does not contain acoustic model definition'),
    ).toEqual({
      kind: 'error',
      message: '"acmod.c", line 83: Folder does not contain acoustic model definition',
    });
  });
});

describe('toSegments', () => {
  const word = (text: string, start: number, end: number, probability = 0.9): TranscribedWord => ({
    word: text,
    start,
    end,
    probability,
  });

  it('cuts at pauses of 0.3 s or more, not at short ones, numbering on from the first id', () => {
    const words = [
      word('go', 0.46, 0.63),
      word('forward', 0.64, 1.16),
      word('ten', 1.5, 1.8),
      word('meters', 1.9, 2.3),
    ];
    expect(toSegments(words, 4).map(({ id, start, end, text }) => ({ id, start, end, text }))).toEqual([
      { id: 4, start: 0.46, end: 1.16, text: 'go forward' },
      { id: 5, start: 1.5, end: 2.3, text: 'ten meters' },
    ]);
  });

  it('averages the log probabilities of a segment, keeping a printed 0 finite', () => {
    const [segment] = toSegments([word('ten', 0, 0.2, 0.19), word('meters', 0.2, 0.5, 0)], 0);
    expect(segment.avgLogprob).toBeCloseTo((Math.log(0.19) + Math.log(1e-3)) / 2, 6);
  });

  it(`cuts a segment that runs on for more than ${SEGMENT_MAX_WORDS} words`, () => {
    const words = Array.from({ length: 20 }, (_, i) => word('go', i / 10, roundToFrame(i / 10 + 0.09)));
    const segments = toSegments(words, 0);
    expect(segments.map((s) => s.text.split(' ').length)).toEqual([SEGMENT_MAX_WORDS, 5]);
    expect(segments[1]).toMatchObject({ id: 1, start: 1.5, end: 1.99 });
  });

  it('has no segment without words', () => {
    expect(toSegments([], 0)).toEqual([]);
  });
});
