import { HttpException, Inject, Injectable } from '@nestjs/common';
import { AUDIO_SIGNATURE_BYTES, sniffAudioFormat, whyNotTranscribable } from '@libs/core/contracts';
import { MultipartForm } from '@libs/core/http';
import type { Request, Response } from 'express';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import {
  FileTooLargeError,
  InvalidTranscriptionRequestError,
  TranscriptionError,
  UnsupportedMediaError,
} from './transcription.errors';

const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 8 * 1024;

export interface UploadedAudio {
  path: string;
  filename: string;
  mimeType: string;
  size: number;
}

export interface AudioUpload {
  /** Every text field with each value sent for it. */
  fields: Record<string, string[]>;
  file?: UploadedAudio;
  /** Deletes the stored file; call it once the file has been used. */
  dispose(): Promise<void>;
}

/**
 * Receives `multipart/form-data` through the services' one reader (`MultipartForm`), streaming
 * the part named `file`, once its first bytes show it is audio, to a temporary file, so that
 * memory use does not grow with the upload. Whatever fails, nothing is left on disk.
 */
@Injectable()
export class AudioUploadReceiver {
  constructor(@Inject(transcriptionConfig.KEY) private readonly config: TranscriptionConfig) {}

  async receive(req: Request, res: Response): Promise<AudioUpload> {
    // The format the file's first bytes show: ffmpeg takes it as a hint (the file's extension).
    let format: string | undefined;
    let form: MultipartForm;
    try {
      form = MultipartForm.open(req, res, {
        fileMaxBytes: this.config.maxBytes,
        fileFields: ['file'],
        maxFields: MAX_FIELDS,
        fieldMaxBytes: MAX_FIELD_BYTES,
        headBytes: AUDIO_SIGNATURE_BYTES,
        checkFile: (file) => {
          format = sniffAudioFormat(file.head);
          return whyNotTranscribable(file);
        },
      });
    } catch (error) {
      throw inOpenAiTerms(error, this.config.maxBytes, null);
    }
    const dir = await mkdtemp(join(this.config.tmpDir, 'upload-'));
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
      // No prototype: a field named `__proto__` or `constructor` is just a field.
      const fields: Record<string, string[]> = Object.create(null);
      let file: UploadedAudio | undefined;
      for (let part = await form.next(); part; part = await form.next()) {
        if (part.kind === 'field') {
          (fields[part.name] ??= []).push(part.value);
          continue;
        }
        const path = join(dir, `audio${format ? `.${format}` : ''}`);
        const sink = createWriteStream(path);
        await pipeline(part.stream, sink);
        file = { path, filename: part.filename, mimeType: part.mimeType, size: sink.bytesWritten };
      }
      return { fields, ...(file ? { file } : {}), dispose };
    } catch (error) {
      form.abandon();
      await dispose();
      throw inOpenAiTerms(error, this.config.maxBytes, 'file');
    }
  }
}

/**
 * The reader's refusals as the transcription errors OpenAI's envelope is written from; a 415 is
 * about the `file` once the form is open (its bytes are not audio), about no field before.
 */
function inOpenAiTerms(error: unknown, maxBytes: number, param: 'file' | null): unknown {
  if (error instanceof TranscriptionError || !(error instanceof HttpException)) return error;
  const status = error.getStatus();
  if (status === 413) return new FileTooLargeError(maxBytes);
  if (status === 415) return new UnsupportedMediaError(error.message, param);
  return new InvalidTranscriptionRequestError(error.message);
}
