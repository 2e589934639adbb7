import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { BulkheadPolicy, bulkhead } from 'cockatiel';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseRecognition } from './pocketsphinx.output';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import {
  TranscriptionFailedError,
  UnsupportedLanguageError,
  UnsupportedMediaError,
} from './transcription.errors';
import type { TranscribeOptions, Transcription } from './transcription.types';

const execFileAsync = promisify(execFile);

/** The id under which the installed model is listed and reported. */
export const TRANSCRIPTION_MODEL_ID = 'pocketsphinx-en-us';
/** The installed model (pocketsphinx-en-us) decodes US English only. */
export const SUPPORTED_LANGUAGES = ['en'] as const;

const INSTALL_POCKETSPHINX = 'apt-get install -y pocketsphinx pocketsphinx-en-us';
const INSTALL_FFMPEG = 'apt-get install -y ffmpeg';

/** The decoder's input: 16 kHz mono 16-bit PCM, 32000 bytes a second after a 44-byte header. */
const SAMPLE_RATE = 16000;
const BYTES_PER_SECOND = SAMPLE_RATE * 2;
const WAV_HEADER_BYTES = 44;

/**
 * Demuxers ffmpeg may use: the containers of OpenAI's formats (flac, mp3, mp4, mpeg, mpga, m4a,
 * ogg, wav, webm). Uploads are untrusted; without this list a playlist format (HLS, concat)
 * disguised as audio could make ffmpeg read other files or URLs.
 */
const AUDIO_DEMUXERS = 'wav,mp3,ogg,flac,mov,mp4,m4a,matroska,webm,mpeg';

interface ModelFiles {
  acousticModel: string;
  languageModel: string;
  dictionary: string;
}

/**
 * Speech to text with CMU PocketSphinx: ffmpeg converts any audio into what the decoder reads,
 * `pocketsphinx_continuous` decodes it with word timings. Both run as child processes without a
 * shell, at most `concurrency` jobs at a time, each killed when it outlives the job timeout.
 */
@Injectable()
export class PocketSphinxEngine implements OnModuleInit {
  // A burst waits its turn in the queue instead of forking a process pair per request.
  private readonly slots: BulkheadPolicy;
  private readonly model: ModelFiles;

  constructor(@Inject(transcriptionConfig.KEY) private readonly config: TranscriptionConfig) {
    this.slots = bulkhead(config.concurrency, Infinity);
    this.model = {
      acousticModel: join(config.modelDir, 'en-us'),
      languageModel: join(config.modelDir, 'en-us.lm.bin'),
      dictionary: join(config.modelDir, 'cmudict-en-us.dict'),
    };
  }

  /** Refuses to start a service that could not transcribe anything. */
  onModuleInit(): Promise<void> {
    return this.verify();
  }

  /** Checks that both programs run and the model files exist; the error says what to install. */
  async verify(): Promise<void> {
    const problems: string[] = [];
    if (!(await runs(this.config.pocketsphinxBin, ['-h']))) {
      problems.push(`PocketSphinx ('${this.config.pocketsphinxBin}') cannot be run: ${INSTALL_POCKETSPHINX}`);
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

  /** Transcribes an audio file in any format ffmpeg reads; the file itself is left in place. */
  async transcribe(inputPath: string, options: TranscribeOptions = {}): Promise<Transcription> {
    const language = (options.language ?? SUPPORTED_LANGUAGES[0]).trim().toLowerCase();
    if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(language)) {
      throw new UnsupportedLanguageError(language, SUPPORTED_LANGUAGES);
    }
    return this.slots.execute(({ signal }) => this.run(inputPath, language, signal), options.signal);
  }

  private async run(inputPath: string, language: string, cancel: AbortSignal): Promise<Transcription> {
    const deadline = AbortSignal.timeout(this.config.jobTimeoutMs);
    const signal = AbortSignal.any([deadline, cancel]);
    const workDir = await mkdtemp(join(this.config.tmpDir, 'pocketsphinx-'));
    try {
      const wavPath = join(workDir, 'audio.wav');
      await this.decode(inputPath, wavPath, signal);
      const output = await this.recognise(wavPath, join(workDir, 'pocketsphinx.log'), signal);
      const { size } = await stat(wavPath);
      const { segments, words } = parseRecognition(output);
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

  private async decode(inputPath: string, wavPath: string, signal: AbortSignal): Promise<void> {
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

  private async recognise(wavPath: string, logPath: string, signal: AbortSignal): Promise<string> {
    const args = [
      ...['-infile', wavPath, '-time', 'yes', '-logfn', logPath],
      ...['-hmm', this.model.acousticModel, '-lm', this.model.languageModel, '-dict', this.model.dictionary],
    ];
    try {
      return await runToExit(this.config.pocketsphinxBin, args, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TranscriptionFailedError(`PocketSphinx failed: ${await lastErrorIn(logPath)}`, null, {
        cause: error,
      });
    }
  }
}

/**
 * Runs a program without a shell and returns its stdout. An abort kills it; either way this
 * settles only once the process has exited, so that its work directory can be removed.
 */
async function runToExit(bin: string, args: string[], signal: AbortSignal): Promise<string> {
  // Nothing is lost by SIGKILL (the output is discarded), and it cannot be ignored.
  const execution = execFileAsync(bin, args, { signal, killSignal: 'SIGKILL' });
  try {
    return (await execution).stdout;
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

/** The decoder logs to a file (its stderr is verbose); its last ERROR/FATAL line says why it stopped. */
async function lastErrorIn(logPath: string): Promise<string> {
  const log = await readFile(logPath, 'utf8').catch(() => '');
  const errors = log.split('\n').filter((line) => /^(ERROR|FATAL)/.test(line));
  return errors.at(-1) ?? 'no error was logged';
}
