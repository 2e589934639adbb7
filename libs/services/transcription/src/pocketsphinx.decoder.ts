import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { readDecoderLine } from './pocketsphinx.output';
import { TranscriptionFailedError } from './transcription.errors';
import type { TranscribedWord } from './transcription.types';

/** One stretch of a WAV to decode, as a line of the decoder's control file. */
export interface UtteranceJob {
  /** The WAV's path under the decoder's root, without `.wav`, and without whitespace. */
  file: string;
  /** In 10 ms frames; `end` -1 means to the end of the file. */
  start: number;
  end: number;
}

export interface DecoderOptions {
  bin: string;
  /** The directory that every job's `file` is relative to (the decoder's `-cepdir`). */
  root: string;
  acousticModel: string;
  languageModel: string;
  dictionary: string;
  /** Its -maxhmmpf: how many HMMs it keeps active a frame (-1: no limit). */
  maxHmmsPerFrame: number;
}

/** Receives the words of each utterance of a job, in order, as soon as it is decoded. */
export type UtteranceListener = (index: number, words: TranscribedWord[]) => void;

const execFileAsync = promisify(execFile);

interface RunningJob {
  ids: string[];
  /** The index of the utterance being decoded. */
  next: number;
  words: TranscribedWord[];
  onUtterance: UtteranceListener;
  resolve(): void;
  reject(error: unknown): void;
}

/** How long a decoder asked to stop may take before it is killed. */
const STOP_GRACE_MS = 2000;
const RECENT_ERRORS = 3;
/** Control-file fields are separated by whitespace; a path with some would be misread. */
const CONTROL_FIELD = /^[^\s]+$/;

/**
 * One long-lived `pocketsphinx_batch`, which loads the model once and then decodes one
 * control-file line at a time, for as long as its control file stays open. Its log and its CTM
 * output (word, timing, posterior) are written to the same unbuffered stream, so that an
 * utterance's words always come before the log's "done" line for it.
 *
 * The decoder opens its control file and its CTM output by path (/dev/stdin, /dev/stderr),
 * which Node's stdio pipes (socket pairs) do not allow: its stdin and stderr are named pipes
 * (FIFOs) in a directory of its own instead.
 *
 * Audio is decoded as whole utterances (not streamed), without the decoder's silence removal,
 * which would shift every later word's timing by the silence removed.
 */
export class DecoderProcess {
  private child: ChildProcess | undefined;
  /** Holds its FIFOs. */
  private dir: string | undefined;
  private control: number | undefined;
  private output: Socket | undefined;
  private readonly launched: Promise<void>;
  private readonly exited: Promise<void>;
  private markExited!: () => void;
  private failure: TranscriptionFailedError | undefined;
  private job: RunningJob | undefined;
  private nextId = 0;
  /** The last few errors it logged: what failed first is often the clearest. */
  private recentErrors: string[] = [];
  private stopping = false;
  /** Utterances decoded: a decoder that has decoded one is known to work. */
  decoded = 0;

  constructor(
    private readonly options: DecoderOptions,
    private readonly onExit: (decoder: DecoderProcess) => void,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.launched = this.launch().catch((error: unknown) =>
      this.end(
        new TranscriptionFailedError(`PocketSphinx could not be started: ${(error as Error).message}`, null, {
          cause: error,
        }),
      ),
    );
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get busy(): boolean {
    return this.job !== undefined;
  }

  /** Whether it can take a job: not exited, killed or asked to stop. */
  get usable(): boolean {
    return !this.failure && !this.child?.killed && !this.stopping;
  }

  /**
   * Decodes the utterances in order, handing each one's words to `onUtterance`. An abort kills
   * the decoder (an utterance cannot be interrupted otherwise); either way this settles only
   * once nothing of the job is left running.
   */
  async decode(
    utterances: UtteranceJob[],
    onUtterance: UtteranceListener,
    signal: AbortSignal,
  ): Promise<void> {
    if (this.job) throw new Error('A decoder runs one job at a time');
    for (const { file } of utterances) {
      if (!CONTROL_FIELD.test(file)) throw new Error(`'${file}' cannot be put in a control file`);
    }
    if (utterances.length === 0) return;
    const abort = () => this.kill();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await this.launched;
      if (this.failure) throw this.failure;
      // Checked only now: until it was running, an abort had nothing to kill.
      signal.throwIfAborted();
      const ids = utterances.map(() => `u${this.nextId++}`);
      const finished = new Promise<void>((resolve, reject) => {
        this.job = { ids, next: 0, words: [], onUtterance, resolve, reject };
      });
      this.send(utterances.map(({ file, start, end }, i) => `${file} ${start} ${end} ${ids[i]}\n`).join(''));
      await finished;
    } catch (error) {
      await this.exitedIfKilled();
      throw signal.aborted ? signal.reason : error;
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /** Closes the control file, so that the decoder exits; kills it if it lingers. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.launched;
    this.closeControl();
    const killer = setTimeout(() => this.kill(), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  /** SIGKILL: it cannot be ignored, and nothing of the decoder's is worth saving. */
  kill(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill('SIGKILL');
  }

  private async launch(): Promise<void> {
    this.dir = await mkdtemp(join(this.options.root, 'pocketsphinx-decoder-'));
    const controlPath = join(this.dir, 'control');
    const outputPath = join(this.dir, 'output');
    await execFileAsync('mkfifo', ['-m', '600', controlPath, outputPath]);
    // Opened so that none blocks: a FIFO opened to write waits for a reader, and to read (without
    // O_NONBLOCK) for a writer. The decoder reopens both by path, as blocking streams.
    const forDecoder: number[] = [];
    try {
      forDecoder.push(openSync(controlPath, constants.O_RDONLY | constants.O_NONBLOCK));
      this.control = openSync(controlPath, constants.O_WRONLY);
      forDecoder.push(openSync(outputPath, constants.O_RDWR));
      this.output = new Socket({
        fd: openSync(outputPath, constants.O_RDONLY | constants.O_NONBLOCK),
        readable: true,
        writable: false,
      });
      this.child = spawn(this.options.bin, this.arguments(), {
        stdio: [forDecoder[0], 'ignore', forDecoder[1]],
      });
    } finally {
      // The decoder has its own copies; once it has exited, the output has no writer left and ends.
      for (const fd of forDecoder) closeSync(fd);
    }
    const { child, output } = this;
    output.on('error', (error) => this.noteError(error.message));
    createInterface({ input: output, crlfDelay: Infinity }).on('line', (line) => this.read(line));
    const outputEnded = new Promise((resolve) => output.once('close', resolve));
    child.once('error', (error) => {
      const failure = new TranscriptionFailedError(`PocketSphinx could not be run: ${error.message}`, null, {
        cause: error,
      });
      // A process that never started never exits.
      if (child.pid === undefined) this.end(failure);
      else this.fail(failure);
    });
    child.once('exit', (code, signal) => {
      // Everything it wrote is read first: its last errors say why it stopped.
      void outputEnded.then(() =>
        this.end(
          new TranscriptionFailedError(
            `PocketSphinx stopped (${signal ?? `exit status ${code}`}): ${this.recentErrors.join('; ') || 'no error was logged'}`,
          ),
        ),
      );
    });
  }

  /** Reads its control file from stdin and writes its CTM output with its log, to stderr. */
  private arguments(): string[] {
    const { root, acousticModel, languageModel, dictionary, maxHmmsPerFrame } = this.options;
    return [
      ...['-ctl', '/dev/stdin', '-cepdir', root, '-cepext', '.wav'],
      ...['-adcin', 'yes', '-adchdr', '44', '-remove_silence', 'no', '-ctm', '/dev/stderr'],
      ...['-hmm', acousticModel, '-lm', languageModel, '-dict', dictionary],
      ...['-maxhmmpf', String(maxHmmsPerFrame)],
    ];
  }

  private send(lines: string): void {
    try {
      if (this.control === undefined) throw new Error('its control file is closed');
      // A few short lines: far less than a pipe holds, so this never waits for the decoder.
      writeSync(this.control, lines);
    } catch (error) {
      this.fail(
        new TranscriptionFailedError(`PocketSphinx cannot be given work: ${(error as Error).message}`, null, {
          cause: error,
        }),
      );
      this.kill();
    }
  }

  private closeControl(): void {
    if (this.control === undefined) return;
    closeSync(this.control);
    this.control = undefined;
  }

  /** A job that failed may have killed the decoder: wait until it has gone, files and all. */
  private async exitedIfKilled(): Promise<void> {
    if (this.child?.killed || this.failure) await this.exited;
  }

  private read(line: string): void {
    const read = readDecoderLine(line);
    if (!read) return;
    if (read.kind === 'error') {
      this.noteError(read.message);
      return;
    }
    const job = this.job;
    if (!job) return;
    if (read.kind === 'skipped') {
      // The rest of the job's lines are still queued in the decoder: it cannot be reused.
      this.fail(new TranscriptionFailedError(`PocketSphinx could not decode the audio: ${read.message}`));
      this.kill();
      return;
    }
    if (read.utterance !== job.ids[job.next]) return;
    if (read.kind === 'word') {
      job.words.push(read.word);
      return;
    }
    this.decoded++;
    const words = job.words;
    job.words = [];
    try {
      job.onUtterance(job.next++, words);
    } catch (error) {
      this.fail(error);
      this.kill();
      return;
    }
    if (job.next === job.ids.length) {
      this.job = undefined;
      job.resolve();
    }
  }

  private noteError(message: string): void {
    this.recentErrors = [...this.recentErrors, message].slice(-RECENT_ERRORS);
  }

  /** Once, when the decoder has exited (or never started): its job fails, its files go. */
  private end(failure: TranscriptionFailedError): void {
    if (this.failure) return;
    this.failure = failure;
    this.closeControl();
    this.output?.destroy();
    this.fail(failure);
    this.onExit(this);
    const removed = this.dir ? rm(this.dir, { recursive: true, force: true }) : Promise.resolve();
    void removed.catch(() => undefined).then(() => this.markExited());
  }

  private fail(error: unknown): void {
    const job = this.job;
    this.job = undefined;
    job?.reject(error);
  }
}

export interface DecoderPoolStatus {
  size: number;
  decoders: { pid: number | undefined; busy: boolean; utterancesDecoded: number }[];
  /** Decoders that exited while the pool was open: died, or killed with a cancelled or timed-out job. */
  exited: number;
}

/**
 * At most `size` warm decoders, each running one job at a time (the caller limits how many
 * jobs run at once to `size`). A decoder that dies, or is killed because its job was cancelled
 * or timed out, is replaced at once if it had ever decoded something, so the pool stays warm;
 * one that never worked (a broken model, say) is replaced only when a job needs it, so that a
 * broken installation does not spin.
 */
export class DecoderPool {
  private readonly decoders = new Set<DecoderProcess>();
  private readonly idle: DecoderProcess[] = [];
  private exited = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly options: DecoderOptions,
  ) {}

  /** Starts every decoder, so that they load the model before the first job. */
  warmUp(): void {
    while (!this.closed && this.decoders.size < this.size) this.idle.push(this.start());
  }

  /** Runs `job` on an idle decoder, or on a new one; the decoder is kept only if still usable. */
  async run<T>(job: (decoder: DecoderProcess) => Promise<T>): Promise<T> {
    if (this.closed) throw new TranscriptionFailedError('The transcription engine is shutting down');
    const decoder = this.takeIdle() ?? this.start();
    try {
      return await job(decoder);
    } finally {
      if (decoder.usable && !this.closed) this.idle.push(decoder);
    }
  }

  status(): DecoderPoolStatus {
    return {
      size: this.size,
      decoders: [...this.decoders].map((d) => ({ pid: d.pid, busy: d.busy, utterancesDecoded: d.decoded })),
      exited: this.exited,
    };
  }

  /** Stops every decoder; jobs still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.decoders].map((decoder) => decoder.stop()));
  }

  private takeIdle(): DecoderProcess | undefined {
    let decoder = this.idle.pop();
    while (decoder && !decoder.usable) decoder = this.idle.pop();
    return decoder;
  }

  private start(): DecoderProcess {
    const decoder = new DecoderProcess(this.options, (exited) => this.forget(exited));
    this.decoders.add(decoder);
    return decoder;
  }

  private forget(decoder: DecoderProcess): void {
    this.decoders.delete(decoder);
    const idleAt = this.idle.indexOf(decoder);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    if (this.closed) return;
    this.exited++;
    if (decoder.decoded > 0 && this.decoders.size < this.size) this.idle.push(this.start());
  }
}
