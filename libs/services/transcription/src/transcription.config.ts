import { registerAs } from '@nestjs/config';
import Joi from 'joi';
import { tmpdir } from 'node:os';

/**
 * The transcription service's variables, for the app to merge into the one schema it validates
 * at start-up (every key is a Joi schema, as `configurationModule` expects).
 */
export const transcriptionEnvironment = {
  /** OpenAI's own limit on an uploaded file. */
  TRANSCRIPTION_MAX_BYTES: Joi.number().integer().min(1).default(26214400),
  /**
   * How many files are decoded at once: as many warm pocketsphinx_batch processes are kept
   * running (each holds the model, some 100 MB), and each job may run an ffmpeg besides.
   */
  TRANSCRIPTION_CONCURRENCY: Joi.number().integer().min(1).default(2),
  TRANSCRIPTION_JOB_TIMEOUT_MS: Joi.number().integer().min(1).default(120000),
  /** Where uploads and converted audio are kept while a request runs, and the decoders' FIFOs. */
  TRANSCRIPTION_TMP_DIR: Joi.string().default(tmpdir()),
  /** Kept running between files, which only pocketsphinx_batch can: the model loads once. */
  POCKETSPHINX_BIN: Joi.string().default('pocketsphinx_batch'),
  POCKETSPHINX_MODEL_DIR: Joi.string().default('/usr/share/pocketsphinx/model/en-us'),
  /**
   * The decoder's beam as a count (its -maxhmmpf; -1: no limit). Its own default, 30000, cost 40%
   * more CPU than 3000 on pocketsphinx-testdata's recordings for the same word error rate.
   */
  POCKETSPHINX_MAX_HMMS_PER_FRAME: Joi.number().integer().min(-1).invalid(0).default(3000),
  FFMPEG_BIN: Joi.string().default('ffmpeg'),
} satisfies Record<string, Joi.Schema>;

export interface TranscriptionConfig {
  maxBytes: number;
  concurrency: number;
  jobTimeoutMs: number;
  tmpDir: string;
  pocketsphinxBin: string;
  modelDir: string;
  maxHmmsPerFrame: number;
  ffmpegBin: string;
}

interface TranscriptionVariables {
  TRANSCRIPTION_MAX_BYTES: number;
  TRANSCRIPTION_CONCURRENCY: number;
  TRANSCRIPTION_JOB_TIMEOUT_MS: number;
  TRANSCRIPTION_TMP_DIR: string;
  POCKETSPHINX_BIN: string;
  POCKETSPHINX_MODEL_DIR: string;
  POCKETSPHINX_MAX_HMMS_PER_FRAME: number;
  FFMPEG_BIN: string;
}

/**
 * The typed `transcription` namespace. It validates the same schema itself, so that defaults and
 * conversions hold even in an app (or a test) that does not validate the whole environment.
 */
export const transcriptionConfig = registerAs('transcription', (): TranscriptionConfig => {
  const { error, value } = Joi.object<TranscriptionVariables>(transcriptionEnvironment).validate(
    process.env,
    {
      allowUnknown: true,
      abortEarly: false,
    },
  );
  if (error) throw new Error(`Invalid transcription configuration: ${error.message}`);
  return {
    maxBytes: value.TRANSCRIPTION_MAX_BYTES,
    concurrency: value.TRANSCRIPTION_CONCURRENCY,
    jobTimeoutMs: value.TRANSCRIPTION_JOB_TIMEOUT_MS,
    tmpDir: value.TRANSCRIPTION_TMP_DIR,
    pocketsphinxBin: value.POCKETSPHINX_BIN,
    modelDir: value.POCKETSPHINX_MODEL_DIR,
    maxHmmsPerFrame: value.POCKETSPHINX_MAX_HMMS_PER_FRAME,
    ffmpegBin: value.FFMPEG_BIN,
  };
});
