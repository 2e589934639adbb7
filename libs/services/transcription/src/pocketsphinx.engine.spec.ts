import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PocketSphinxEngine } from './pocketsphinx.engine';
import {
  LONG_RECORDING,
  RECORDED_PHRASE,
  RELIABLE_PHRASE,
  RELIABLE_WORDS,
  recording,
  recordingWithPause,
  speak,
} from './speech.testing';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import {
  TranscriptionFailedError,
  UnsupportedLanguageError,
  UnsupportedMediaError,
} from './transcription.errors';
import type { TranscriptSegment } from './transcription.types';

const execFileAsync = promisify(execFile);

/** The ffmpeg and pocketsphinx processes this test process has started and not yet reaped. */
async function engineProcesses(): Promise<{ pid: number; name: string }[]> {
  const { stdout } = await execFileAsync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]).catch(
    // ps exits 1 when it lists nothing.
    (error: { stdout: string }) => error,
  );
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, name]) => /^(ffmpeg|pocketsphinx)/.test(name ?? ''))
    .map(([pid, name]) => ({ pid: Number(pid), name }));
}

const decoderPids = async () =>
  (await engineProcesses()).filter((p) => p.name.startsWith('pocketsphinx')).map((p) => p.pid);

describe('PocketSphinxEngine with the real ffmpeg and pocketsphinx', () => {
  let fixtures: string;
  let workRoot: string;
  let phraseWav: string;
  let recordedWav: string;
  const engines: PocketSphinxEngine[] = [];

  /** An engine stopped after all tests, so that no decoder outlives them. */
  const engineWith = (overrides: Partial<TranscriptionConfig> = {}) => {
    const engine = new PocketSphinxEngine({ ...transcriptionConfig(), tmpDir: workRoot, ...overrides });
    engines.push(engine);
    return engine;
  };
  let engine: PocketSphinxEngine;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'engine-spec-fixtures-'));
    workRoot = await mkdtemp(join(tmpdir(), 'engine-spec-work-'));
    phraseWav = await speak(fixtures, 'phrase.wav', RELIABLE_PHRASE);
    recordedWav = await recording(fixtures, 'goforward.wav');
    engine = engineWith();
  });

  afterAll(async () => {
    await Promise.all(engines.map((e) => e.onApplicationShutdown()));
    const leftovers = await readdir(workRoot);
    await rm(fixtures, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
    // Every job, failed or not, removed its converted audio.
    expect(leftovers).toEqual([]);
    expect(await engineProcesses()).toEqual([]);
  });

  describe('verify', () => {
    it('passes when the programs and the model are installed', async () => {
      await expect(engine.verify()).resolves.toBeUndefined();
    });

    it('names the Debian packages to install when something is missing', async () => {
      const error = await engineWith({
        pocketsphinxBin: '/nonexistent/pocketsphinx_batch',
        modelDir: '/nonexistent/model',
        ffmpegBin: '/nonexistent/ffmpeg',
      })
        .verify()
        .catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('apt-get install -y pocketsphinx pocketsphinx-en-us');
      expect((error as Error).message).toContain('apt-get install -y ffmpeg');
      expect((error as Error).message).toContain('/nonexistent/model/en-us.lm.bin');
    });

    it('refuses pocketsphinx_continuous, which cannot stay running between files', async () => {
      await expect(engineWith({ pocketsphinxBin: 'pocketsphinx_continuous' }).verify()).rejects.toThrow(
        'set POCKETSPHINX_BIN to pocketsphinx_batch',
      );
    });
  });

  it('transcribes a recording with word timings, segments and the duration of the audio', async () => {
    const result = await engine.transcribe(recordedWav);

    expect(result.text).toBe(RECORDED_PHRASE);
    expect(result.language).toBe('en');
    const { stdout } = await execFileAsync('soxi', ['-D', recordedWav]);
    expect(result.duration).toBeCloseTo(Number(stdout), 2);
    expect(result.words.map((w) => w.word)).toEqual(RECORDED_PHRASE.split(' '));
    for (const [previous, word] of result.words.map((w, i, all) => [all[i - 1], w] as const).slice(1)) {
      expect(word.start).toBeGreaterThanOrEqual(previous.end);
      expect(word.end).toBeGreaterThan(word.start);
      expect(word.probability).toBeGreaterThan(0);
      expect(word.probability).toBeLessThanOrEqual(1);
    }
    expect(result.segments).toEqual([
      {
        id: 0,
        start: result.words[0].start,
        end: result.words[3].end,
        text: RECORDED_PHRASE,
        avgLogprob: expect.any(Number),
      },
    ]);
  });

  it.each(['mp3', 'ogg'])('converts %s with ffmpeg before decoding', async (format) => {
    const audio = await recording(fixtures, `goforward.${format}`);
    const result = await engine.transcribe(audio, { language: 'en' });
    expect(result.text).toBe(RECORDED_PHRASE);
  });

  it("converts espeak-ng's 22.05 kHz speech", async () => {
    const result = await engine.transcribe(phraseWav);
    expect(result.words.map((w) => w.word)).toEqual(expect.arrayContaining(RELIABLE_WORDS));
  });

  it('decodes the utterances either side of a pause apart, handing on each as soon as it is decoded', async () => {
    const audio = await recordingWithPause(fixtures, 'twice.wav', 1.5);
    const handedOn: TranscriptSegment[][] = [];
    const result = await engine.transcribe(audio, { onSegments: (segments) => handedOn.push(segments) });

    expect(handedOn.map((segments) => segments.map((s) => s.text))).toEqual([
      [RECORDED_PHRASE],
      [RECORDED_PHRASE],
    ]);
    expect(result.segments).toEqual(handedOn.flat());
    expect(result.segments.map((s) => s.id)).toEqual([0, 1]);
    // The second utterance's words are timed from the start of the file: 2.79 s and the pause later.
    const [first, second] = result.segments;
    expect(second.start - first.start).toBeCloseTo(2.79 + 1.5, 1);
    expect(result.text).toBe(`${RECORDED_PHRASE} ${RECORDED_PHRASE}`);
  });

  it('refuses languages the model does not know, naming the supported ones', async () => {
    const error = await engine.transcribe(recordedWav, { language: 'fr' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedLanguageError);
    expect(error).toMatchObject({ status: 400, param: 'language', message: expect.stringContaining('en') });
  });

  it('answers a file ffmpeg cannot decode with a 415, not a crash', async () => {
    const notAudio = join(fixtures, 'notes.wav');
    await writeFile(notAudio, 'these are meeting notes, not audio');
    const error = await engine.transcribe(notAudio).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error).toMatchObject({ status: 415, param: 'file', message: expect.stringMatching(/corrupt/) });
  });

  describe('its warm decoders', () => {
    it('reuses the same decoder processes, one per concurrent job, from request to request', async () => {
      const warm = engineWith({ concurrency: 2 });
      await warm.onModuleInit();
      // Started at once, before any request; they load the model meanwhile.
      const started = await eventually(async () => {
        const pids = await decoderPidsOf(warm);
        return pids.length === 2 ? pids.sort() : [];
      });
      for (let i = 0; i < 3; i++) expect((await warm.transcribe(recordedWav)).text).toBe(RECORDED_PHRASE);
      expect((await decoderPidsOf(warm)).sort()).toEqual(started);
      expect(warm.status().exited).toBe(0);
    }, 30_000);

    it('fails the job of a decoder that dies with a 500, then decodes with a new one', async () => {
      const fragile = engineWith({ concurrency: 1 });
      const job = fragile.transcribe(LONG_RECORDING);
      const [pid] = await eventually(() => decoderPidsOf(fragile));
      process.kill(pid, 'SIGKILL');
      const error = await job.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TranscriptionFailedError);
      expect(error).toMatchObject({
        status: 500,
        message: expect.stringContaining('PocketSphinx stopped (SIGKILL)'),
      });

      expect((await fragile.transcribe(recordedWav)).text).toBe(RECORDED_PHRASE);
      const [replacement] = await decoderPidsOf(fragile);
      expect(replacement).not.toBe(pid);
      expect(fragile.status()).toMatchObject({ exited: 1, decoders: [{ pid: replacement, busy: false }] });
    }, 30_000);

    it('replaces at once a decoder that had worked and then died while idle', async () => {
      const warm = engineWith({ concurrency: 1 });
      await warm.transcribe(recordedWav);
      const [pid] = await decoderPidsOf(warm);
      process.kill(pid, 'SIGKILL');
      const [replacement] = await eventually(async () =>
        (await decoderPidsOf(warm)).filter((p) => p !== pid),
      );
      expect((await warm.transcribe(recordedWav)).text).toBe(RECORDED_PHRASE);
      expect(await decoderPidsOf(warm)).toEqual([replacement]);
    }, 30_000);

    it('kills the decoder of a job that outlives the timeout', async () => {
      const hurried = engineWith({ jobTimeoutMs: 300, concurrency: 1 });
      const error = await hurried.transcribe(LONG_RECORDING).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TranscriptionFailedError);
      expect(error).toMatchObject({ status: 500, message: 'Transcription did not finish within 300 ms' });
      expect(await decoderPidsOf(hurried)).toEqual([]);
    });

    it('stops the decoder of a job whose caller gave up', async () => {
      const cancelled = engineWith({ concurrency: 1 });
      const caller = new AbortController();
      const job = cancelled.transcribe(LONG_RECORDING, { signal: caller.signal });
      await eventually(() => decoderPidsOf(cancelled));
      caller.abort();
      await expect(job).rejects.toMatchObject({ name: 'AbortError' });
      expect(await decoderPidsOf(cancelled)).toEqual([]);
    });
  });

  it('runs no more jobs at once than its concurrency, in as many decoders', async () => {
    const single = engineWith({ concurrency: 1 });
    let running = true;
    let most = 0;
    const watch = (async () => {
      while (running) most = Math.max(most, (await decoderPids()).filter(isOf(single)).length);
    })();
    const results = await Promise.all([1, 2, 3].map(() => single.transcribe(recordedWav)));
    running = false;
    await watch;

    expect(results.map((r) => r.text)).toEqual([RECORDED_PHRASE, RECORDED_PHRASE, RECORDED_PHRASE]);
    expect(most).toBe(1);
    // Three real transcriptions one after another, beside `ps` polling: seconds on a busy 2-core machine.
  }, 30_000);
});

/** The pids of `engine`'s decoders that are running. */
async function decoderPidsOf(engine: PocketSphinxEngine): Promise<number[]> {
  return (await decoderPids()).filter(isOf(engine));
}

function isOf(engine: PocketSphinxEngine): (pid: number) => boolean {
  return (pid) => engine.status().decoders.some((decoder) => decoder.pid === pid);
}

/** `probe`'s first non-empty answer, polled for up to 5 s. */
async function eventually<T>(probe: () => Promise<T[]>): Promise<T[]> {
  for (let waited = 0; waited < 5000; waited += 20) {
    const found = await probe();
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('nothing turned up within 5 s');
}
