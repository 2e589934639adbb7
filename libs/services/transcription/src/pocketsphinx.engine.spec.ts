import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PocketSphinxEngine } from './pocketsphinx.engine';
import { RELIABLE_PHRASE, RELIABLE_WORDS, speak } from './speech.testing';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import {
  TranscriptionFailedError,
  UnsupportedLanguageError,
  UnsupportedMediaError,
} from './transcription.errors';

const execFileAsync = promisify(execFile);

/** The ffmpeg and pocketsphinx processes this test process has started and not yet reaped. */
async function engineProcesses(): Promise<string[]> {
  const { stdout } = await execFileAsync('ps', ['-o', 'comm=', '--ppid', String(process.pid)]);
  return stdout.split('\n').filter((name) => /^(ffmpeg|pocketsphinx)/.test(name));
}

describe('PocketSphinxEngine with the real ffmpeg and pocketsphinx', () => {
  let fixtures: string;
  let workRoot: string;
  let phraseWav: string;

  const engineWith = (overrides: Partial<TranscriptionConfig> = {}) =>
    new PocketSphinxEngine({ ...transcriptionConfig(), tmpDir: workRoot, ...overrides });

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'engine-spec-fixtures-'));
    workRoot = await mkdtemp(join(tmpdir(), 'engine-spec-work-'));
    phraseWav = await speak(fixtures, 'phrase.wav', RELIABLE_PHRASE);
  });

  afterAll(async () => {
    const leftovers = await readdir(workRoot);
    await rm(fixtures, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
    // Every job, failed or not, removed its converted audio.
    expect(leftovers).toEqual([]);
  });

  describe('verify', () => {
    it('passes when the programs and the model are installed', async () => {
      await expect(engineWith().verify()).resolves.toBeUndefined();
    });

    it('names the Debian packages to install when something is missing', async () => {
      const engine = engineWith({
        pocketsphinxBin: '/nonexistent/pocketsphinx_continuous',
        modelDir: '/nonexistent/model',
        ffmpegBin: '/nonexistent/ffmpeg',
      });
      const error: Error = await engine.verify().then(
        () => {
          throw new Error('verify() accepted a missing engine');
        },
        (e: Error) => e,
      );
      expect(error.message).toContain('apt-get install -y pocketsphinx pocketsphinx-en-us');
      expect(error.message).toContain('apt-get install -y ffmpeg');
      expect(error.message).toContain('/nonexistent/model/en-us.lm.bin');
    });
  });

  it('transcribes a WAV with word timings, segments and the duration of the audio', async () => {
    const result = await engineWith().transcribe(phraseWav);

    expect(result.language).toBe('en');
    expect(result.words.map((w) => w.word)).toEqual(expect.arrayContaining(RELIABLE_WORDS));
    expect(result.text).toMatch(/\bwant to go\b/);
    expect(result.text).not.toMatch(/<|\[|\(\d\)/);
    const { stdout } = await execFileAsync('soxi', ['-D', phraseWav]);
    expect(result.duration).toBeCloseTo(Number(stdout), 1);
    for (const [previous, word] of result.words.map((w, i, all) => [all[i - 1], w] as const).slice(1)) {
      expect(word.start).toBeGreaterThanOrEqual(previous.end);
      expect(word.end).toBeGreaterThan(word.start);
      expect(word.probability).toBeGreaterThan(0);
      expect(word.probability).toBeLessThanOrEqual(1);
    }
    expect(result.segments[0]).toMatchObject({ id: 0, start: result.words[0].start });
    expect(result.segments.map((s) => s.text).join(' ')).toBe(result.text);
  });

  it.each(['mp3', 'ogg'])('converts %s with ffmpeg before decoding', async (format) => {
    const audio = await speak(fixtures, `phrase.${format}`, RELIABLE_PHRASE);
    const result = await engineWith().transcribe(audio, { language: 'en' });
    expect(result.words.map((w) => w.word)).toEqual(expect.arrayContaining(RELIABLE_WORDS));
  });

  it('starts a new segment after a pause', async () => {
    const audio = await speak(
      fixtures,
      'pause.wav',
      `<speak>${RELIABLE_PHRASE} <break time="1500ms"/> ${RELIABLE_PHRASE}</speak>`,
    );
    const { segments } = await engineWith().transcribe(audio);
    expect(segments.length).toBeGreaterThanOrEqual(2);
    expect(segments[0].text).toContain('want');
    expect(segments[segments.length - 1].start - segments[0].end).toBeGreaterThan(1);
  });

  it('refuses languages the model does not know, naming the supported ones', async () => {
    const error = await engineWith()
      .transcribe(phraseWav, { language: 'fr' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedLanguageError);
    expect(error).toMatchObject({ status: 400, param: 'language', message: expect.stringContaining('en') });
  });

  it('answers a file ffmpeg cannot decode with a 415, not a crash', async () => {
    const notAudio = join(fixtures, 'notes.wav');
    await writeFile(notAudio, 'these are meeting notes, not audio');
    const error = await engineWith()
      .transcribe(notAudio)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedMediaError);
    expect(error).toMatchObject({ status: 415, param: 'file', message: expect.stringMatching(/corrupt/) });
  });

  it('kills the processes of a job that outlives the timeout', async () => {
    // Long enough for ffmpeg, too short for pocketsphinx to load its model and decode.
    const error = await engineWith({ jobTimeoutMs: 250 })
      .transcribe(phraseWav)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TranscriptionFailedError);
    expect(error).toMatchObject({ status: 500, message: 'Transcription did not finish within 250 ms' });
    expect(await engineProcesses()).toEqual([]);
  });

  it('stops a job whose caller gave up', async () => {
    const caller = new AbortController();
    const job = engineWith().transcribe(phraseWav, { signal: caller.signal });
    setTimeout(() => caller.abort(), 20);
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('runs no more engine processes at once than its concurrency', async () => {
    const engine = engineWith({ concurrency: 1 });
    let running = true;
    let most = 0;
    const watch = (async () => {
      while (running) {
        most = Math.max(most, (await engineProcesses()).length);
      }
    })();
    const results = await Promise.all([1, 2, 3].map(() => engine.transcribe(phraseWav)));
    running = false;
    await watch;

    expect(results.map((r) => r.text)).toEqual([results[0].text, results[0].text, results[0].text]);
    expect(most).toBe(1);
    // Three real transcriptions one after another, beside `ps` polling: seconds on a busy 2-core machine.
  }, 30_000);
});
