import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DecoderOptions, DecoderPool, DecoderProcess } from './pocketsphinx.decoder';
import { RECORDED_PHRASE, recording } from './speech.testing';
import { TranscriptionFailedError } from './transcription.errors';
import type { TranscribedWord } from './transcription.types';

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

describe('pocketsphinx_batch kept running', () => {
  let root: string;
  let options: DecoderOptions;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'decoder-spec-'));
    await recording(root, 'goforward.wav');
    options = {
      bin: 'pocketsphinx_batch',
      root,
      acousticModel: join(MODEL_DIR, 'en-us'),
      languageModel: join(MODEL_DIR, 'en-us.lm.bin'),
      dictionary: join(MODEL_DIR, 'cmudict-en-us.dict'),
      maxHmmsPerFrame: 3000,
    };
  });

  afterAll(async () => {
    // Each decoder's FIFOs went with it.
    expect(await readdir(root)).toEqual(['goforward.wav']);
    await rm(root, { recursive: true, force: true });
  });

  const decode = (decoder: DecoderProcess, file: string, start = 0, end = -1) => {
    const heard: TranscribedWord[][] = [];
    const done = decoder.decode(
      [{ file, start, end }],
      (_, words) => heard.push(words),
      new AbortController().signal,
    );
    return done.then(() => heard);
  };

  it('decodes a stretch of a file given in frames, timed from the stretch', async () => {
    const decoder = new DecoderProcess(options, () => undefined);
    try {
      const [whole] = await decode(decoder, 'goforward');
      expect(whole.map((w) => w.word).join(' ')).toBe(RECORDED_PHRASE);
      // From 0.4 s to the end: the same words, 0.4 s earlier.
      const [later] = await decode(decoder, 'goforward', 40);
      expect(later[0].start).toBeCloseTo(whole[0].start - 0.4, 1);
      expect(decoder.decoded).toBe(2);
    } finally {
      await decoder.stop();
    }
  });

  it('fails a job whose audio it cannot open, and is not used again', async () => {
    const decoder = new DecoderProcess(options, () => undefined);
    const error = await decode(decoder, 'missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptionFailedError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/could not decode the audio: Failed to open .*missing\.wav/),
    });
    expect(decoder.usable).toBe(false);
    await decoder.stop();
  });

  it('refuses a control line that whitespace would split', async () => {
    const decoder = new DecoderProcess(options, () => undefined);
    await expect(decode(decoder, 'a file')).rejects.toThrow("'a file' cannot be put in a control file");
    await decoder.stop();
  });

  it('says why a decoder that cannot load its model stopped, and the pool does not restart it on its own', async () => {
    const pool = new DecoderPool(1, { ...options, acousticModel: '/nonexistent/en-us' });
    const error = await pool.run((decoder) => decode(decoder, 'goforward')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptionFailedError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/^PocketSphinx stopped \(exit status \d+\): .*nonexistent/),
    });
    expect(pool.status()).toEqual({ size: 1, decoders: [], exited: 1 });
    await pool.close();
  });
});
