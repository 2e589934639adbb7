import { SEGMENT_MAX_WORDS, parseRecognition } from './pocketsphinx.output';

// Printed by `pocketsphinx_continuous -time yes` for espeak-ng saying "i want to go home",
// a pause, and "i would like a cup of coffee" (as mp3), with a noise word added.
const TWO_UTTERANCES = `i want to go on
<s> 0.000 0.020 1.000000
i 0.030 0.200 0.885224
<sil> 0.210 0.260 0.948184
want 0.270 0.670 0.908727
<sil> 0.680 0.730 0.904917
to(3) 0.740 0.860 0.810646
go 0.870 0.960 0.839020
on 0.970 1.510 0.719256
</s> 1.520 1.910 1.000000
i was like a healthy
<s> 2.430 2.520 0.999900
i 2.530 2.750 0.999900
[NOISE] 2.760 2.810 0.999900
was(2) 2.820 2.990 0.617513
<sil> 3.000 3.050 0.823557
like 3.060 3.360 0.977847
a 3.370 3.420 0.394787
<sil> 3.430 4.030 0.999600
healthy 4.040 4.570 0.000000
</s> 4.580 5.010 1.000100
`;

describe('parseRecognition', () => {
  const { segments, words } = parseRecognition(TWO_UTTERANCES);

  it('keeps the words with their timings, without fillers or pronunciation variants', () => {
    expect(words.map((w) => w.word)).toEqual([
      'i',
      'want',
      'to',
      'go',
      'on',
      'i',
      'was',
      'like',
      'a',
      'healthy',
    ]);
    expect(words[1]).toEqual({ word: 'want', start: 0.27, end: 0.67, probability: 0.908727 });
  });

  it('cuts segments at each utterance and at pauses of 0.3 s or more, not at short ones', () => {
    expect(segments.map(({ id, start, end, text }) => ({ id, start, end, text }))).toEqual([
      { id: 0, start: 0.03, end: 1.51, text: 'i want to go on' },
      { id: 1, start: 2.53, end: 3.42, text: 'i was like a' },
      { id: 2, start: 4.04, end: 4.57, text: 'healthy' },
    ]);
  });

  it('averages the log probabilities of a segment, keeping a printed 0 finite', () => {
    const logs = [0.885224, 0.908727, 0.810646, 0.83902, 0.719256].map(Math.log);
    expect(segments[0].avgLogprob).toBeCloseTo(logs.reduce((a, b) => a + b) / logs.length, 6);
    expect(segments[2].avgLogprob).toBeCloseTo(Math.log(1e-6), 6);
  });

  it(`cuts a segment that runs on for more than ${SEGMENT_MAX_WORDS} words`, () => {
    const lines = Array.from(
      { length: 20 },
      (_, i) => `go ${(i / 10).toFixed(3)} ${(i / 10 + 0.09).toFixed(3)} 0.9`,
    );
    const parsed = parseRecognition(['<s> 0.000 0.000 1.0', ...lines].join('\n'));
    expect(parsed.segments.map((s) => s.text.split(' ').length)).toEqual([SEGMENT_MAX_WORDS, 5]);
    expect(parsed.segments[1]).toMatchObject({ id: 1, start: 1.5, end: 1.99 });
  });

  it('finds no speech in silence', () => {
    expect(parseRecognition('\n<s> 0.000 0.990 1.000000\n</s> 1.000 1.050 1.000000\n')).toEqual({
      segments: [],
      words: [],
    });
  });
});
