import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { BulkheadPolicy, bulkhead } from 'cockatiel';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DecoderPool, type DecoderPoolStatus, type UtteranceJob } from './pocketsphinx.decoder';
import {
  BYTES_PER_SECOND,
  FRAMES_PER_SECOND,
  SAMPLE_RATE,
  WAV_HEADER_BYTES,
  frameLevels,
  isDecoderInput,
} from './pocketsphinx.input';
import { roundToFrame, toSegments } from './pocketsphinx.output';
import { splitIntoUtterances } from './pocketsphinx.utterances';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import {
  TranscriptionFailedError,
  UnsupportedLanguageError,
  UnsupportedMediaError,
} from './transcription.errors';
import type {
  TranscribeOptions,
  TranscribedWord,
  Transcription,
  TranscriptSegment,
} from './transcription.types';

const execFileAsync = promisify(execFile);

/** The id under which the installed model is listed and reported. */
export const TRANSCRIPTION_MODEL_ID = 'pocketsphinx-en-us';
/** The installed model (pocketsphinx-en-us) decodes US English only. */
export const SUPPORTED_LANGUAGES = ['en'] as const;

const INSTALL_POCKETSPHINX = 'apt-get install -y pocketsphinx pocketsphinx-en-us';
const INSTALL_FFMPEG = 'apt-get install -y ffmpeg';
/** What the warm decoders are run with, which only `pocketsphinx_batch` takes. */
const DECODER_ARGUMENTS = ['-ctl', '-ctm', '-cepdir', '-adcin'];

/**
 * Demuxers ffmpeg may use: the containers of OpenAI's formats (flac, mp3, mp4, mpeg, mpga, m4a,
 * ogg, wav, webm). Uploads are untrusted; without this list a playlist format (HLS, concat)
 * disguised as audio could make ffmpeg read other files or URLs.
 */
const AUDIO_DEMUXERS = 'wav,mp3,ogg,flac,mov,mp4,m4a,matroska,webm,mpeg';

interface RecognisedSpeech {
  segments: TranscriptSegment[];
  words: TranscribedWord[];
}

interface ModelFiles {
  acousticModel: string;
  languageModel: string;
  dictionary: string;
}

/**
 * Speech to text with CMU PocketSphinx. ffmpeg converts any audio into what the decoder reads
 * (a 16 kHz mono WAV is read as uploaded); the recording is split into utterances at its pauses,
 * and a pool of warm `pocketsphinx_batch` processes, which load the model once, decodes them.
 * At most `concurrency` jobs run at a time, each killed when it outlives the job timeout.
 */
@Injectable()
export class PocketSphinxEngine implements OnModuleInit, OnApplicationShutdown {
  // A burst waits its turn in the queue; each job holds one decoder of the pool.
  private readonly slots: BulkheadPolicy;
  private readonly model: ModelFiles;
  private readonly decoders: DecoderPool;

  constructor(@Inject(transcriptionConfig.KEY) private readonly config: TranscriptionConfig) {
    this.slots = bulkhead(config.concurrency, Infinity);
    this.model = {
      acousticModel: join(config.modelDir, 'en-us'),
      languageModel: join(config.modelDir, 'en-us.lm.bin'),
      dictionary: join(config.modelDir, 'cmudict-en-us.dict'),
    };
    this.decoders = new DecoderPool(config.concurrency, {
      bin: config.pocketsphinxBin,
      root: resolve(config.tmpDir),
      ...this.model,
      maxHmmsPerFrame: config.maxHmmsPerFrame,
    });
  }

  /** Refuses to start a service that could not transcribe anything, then warms the decoders up. */
  async onModuleInit(): Promise<void> {
    await this.verify();
    this.decoders.warmUp();
  }

  /** Runs after the HTTP server has closed, so that in-flight requests finish first. */
  onApplicationShutdown(): Promise<void> {
    return this.decoders.close();
  }

  /** Checks that both programs run and the model files exist; the error says what to install. */
  async verify(): Promise<void> {
    const problems: string[] = [];
    const decoderArguments = await argumentsListedBy(this.config.pocketsphinxBin);
    if (decoderArguments === undefined) {
      problems.push(`PocketSphinx ('${this.config.pocketsphinxBin}') cannot be run: ${INSTALL_POCKETSPHINX}`);
    } else if (!DECODER_ARGUMENTS.every((name) => decoderArguments.includes(name))) {
      problems.push(
        `'${this.config.pocketsphinxBin}' is not pocketsphinx_batch (it takes no ${DECODER_ARGUMENTS.join('/')}): ` +
          'set POCKETSPHINX_BIN to pocketsphinx_batch',
      );
    }
    const missing = await missingPaths(Object.values(this.model));
    if (missing.length > 0) {
      problems.push(`the PocketSphinx model is missing (${missing.join(', ')}): ${INSTALL_POCKETSPHINX}`);
    }
    if (!(await runs(this.config.ffmpegBin, ['-version']))) {
      problems.push(`ffmpeg ('${this.config.ffmpegBin}') cannot be run: ${INSTALL_FFMPEG}`);
    }
    if (problems.length > 0) {
      throw new Error(`The transcription engine is not installed: ${problems.join('; ')}`);
    }
  }

  /** The decoder processes, for the health check. */
  status(): DecoderPoolStatus {
    return this.decoders.status();
  }

  /**
   * Transcribes an audio file in any format ffmpeg reads; the file itself is left in place.
   * `options.onSegments` receives the segments of each utterance as soon as it is decoded.
   */
  async transcribe(inputPath: string, options: TranscribeOptions = {}): Promise<Transcription> {
    const language = (options.language ?? SUPPORTED_LANGUAGES[0]).trim().toLowerCase();
    if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(language)) {
      throw new UnsupportedLanguageError(language, SUPPORTED_LANGUAGES);
    }
    return this.slots.execute(
      ({ signal }) => this.run(inputPath, language, signal, options.onSegments),
      options.signal,
    );
  }

  private async run(
    inputPath: string,
    language: string,
    cancel: AbortSignal,
    onSegments: TranscribeOptions['onSegments'],
  ): Promise<Transcription> {
    const deadline = AbortSignal.timeout(this.config.jobTimeoutMs);
    const signal = AbortSignal.any([deadline, cancel]);
    const workDir = await mkdtemp(join(this.config.tmpDir, 'pocketsphinx-'));
    try {
      const wavPath = join(workDir, 'audio.wav');
      await this.prepare(inputPath, wavPath, signal);
      const { segments, words } = await this.decode(wavPath, signal, onSegments);
      const { size } = await stat(wavPath);
      return {
        text: segments.map((s) => s.text).join(' '),
        language,
        duration: Math.max(0, size - WAV_HEADER_BYTES) / BYTES_PER_SECOND,
        segments,
        words,
      };
    } catch (error) {
      if (deadline.aborted) {
        throw new TranscriptionFailedError(
          `Transcription did not finish within ${this.config.jobTimeoutMs} ms`,
          null,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /**
   * Decodes a WAV under the temporary directory utterance by utterance, timing each one's words
   * from the start of the file.
   */
  private async decode(
    wavPath: string,
    signal: AbortSignal,
    onSegments: TranscribeOptions['onSegments'],
  ): Promise<RecognisedSpeech> {
    const utterances = splitIntoUtterances(await frameLevels(wavPath, signal));
    // The decoder's root is the temporary directory; it adds the extension (its -cepext).
    const file = relative(resolve(this.config.tmpDir), wavPath).replace(/\.wav$/, '');
    const jobs: UtteranceJob[] = utterances.map(({ start, end }, i) => ({
      file,
      start,
      // The last one to the end of the file, so that no sample after its last whole frame is lost.
      end: i === utterances.length - 1 ? -1 : end,
    }));
    const speech: RecognisedSpeech = { segments: [], words: [] };
    const onUtterance = (index: number, decoded: TranscribedWord[]) => {
      const offset = utterances[index].start / FRAMES_PER_SECOND;
      const timed = decoded.map((w) => ({
        ...w,
        start: roundToFrame(w.start + offset),
        end: roundToFrame(w.end + offset),
      }));
      const added = toSegments(timed, speech.segments.length);
      speech.words.push(...timed);
      speech.segments.push(...added);
      if (added.length > 0) onSegments?.(added);
    };
    await this.decoders.run((decoder) => decoder.decode(jobs, onUtterance, signal));
    return speech;
  }

  /** Puts the audio at `wavPath` as the decoder reads it: linked when it already is, else converted. */
  private async prepare(inputPath: string, wavPath: string, signal: AbortSignal): Promise<void> {
    if (await isDecoderInput(inputPath).catch(() => false)) {
      await symlink(resolve(inputPath), wavPath);
    } else {
      await this.convert(inputPath, wavPath, signal);
    }
  }

  private async convert(inputPath: string, wavPath: string, signal: AbortSignal): Promise<void> {
    // The decoder skips exactly 44 header bytes, so ffmpeg must not add metadata chunks.
    const args = [
      ...['-nostdin', '-hide_banner', '-loglevel', 'error'],
      ...['-protocol_whitelist', 'file', '-format_whitelist', AUDIO_DEMUXERS, '-i', `file:${inputPath}`],
      ...['-vn', '-sn', '-dn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-c:a', 'pcm_s16le'],
      ...['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', 'wav', wavPath],
    ];
    try {
      await runToExit(this.config.ffmpegBin, args, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (!exitedWithStatus(error)) {
        throw new TranscriptionFailedError('ffmpeg could not be run', null, { cause: error });
      }
      throw new UnsupportedMediaError(
        'The file could not be decoded as audio: it is corrupt or not in a supported format ' +
          '(flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav, webm)',
        'file',
        { cause: error },
      );
    }
  }
}

/**
 * Runs a program without a shell. An abort kills it; either way this settles only once the
 * process has exited, so that its work directory can be removed.
 */
async function runToExit(bin: string, args: string[], signal: AbortSignal): Promise<void> {
  // Nothing is lost by SIGKILL (the output is discarded), and it cannot be ignored.
  const execution = execFileAsync(bin, args, { signal, killSignal: 'SIGKILL' });
  try {
    await execution;
  } catch (error) {
    const { child } = execution;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      await once(child, 'exit');
    }
    throw error;
  }
}

/** A spawn failure (ENOENT, EACCES) has a string code; a process that ran has an exit status. */
function exitedWithStatus(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'number';
}

async function runs(bin: string, args: string[]): Promise<boolean> {
  try {
    await execFileAsync(bin, args);
    return true;
  } catch (error) {
    return exitedWithStatus(error);
  }
}

/**
 * The argument names a CMU Sphinx program lists when run without any (it exits with a status
 * then); undefined when it cannot be run at all.
 */
async function argumentsListedBy(bin: string): Promise<string[] | undefined> {
  const listing = await execFileAsync(bin, []).then(
    ({ stderr }) => stderr,
    (error: { stderr?: string }) => (exitedWithStatus(error) ? (error.stderr ?? '') : undefined),
  );
  return listing?.split('\n').map((line) => line.split(/\s/)[0]);
}

async function missingPaths(paths: string[]): Promise<string[]> {
  const found = await Promise.all(
    paths.map((path) =>
      access(path).then(
        () => true,
        () => false,
      ),
    ),
  );
  return paths.filter((_, i) => !found[i]);
}
