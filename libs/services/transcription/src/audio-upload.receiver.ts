import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type TranscriptionConfig, transcriptionConfig } from './transcription.config';
import {
  FileTooLargeError,
  InvalidTranscriptionRequestError,
  UnsupportedMediaError,
} from './transcription.errors';

/** The extensions OpenAI accepts. */
const AUDIO_EXTENSIONS = ['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'wav', 'webm'] as const;
/** Containers of those formats whose MIME type is not `audio/*`. */
const AUDIO_CONTAINER_TYPES = ['video/mp4', 'video/mpeg', 'video/webm', 'application/ogg'];

const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 8 * 1024;
/** Room in a request's Content-Length for the text fields and the multipart framing. */
const FORM_ALLOWANCE_BYTES = MAX_FIELDS * MAX_FIELD_BYTES + 64 * 1024;

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
 * Receives `multipart/form-data` with busboy, streaming the part named `file` to a temporary
 * file, so that memory use does not grow with the upload. Whatever fails, nothing is left on disk.
 */
@Injectable()
export class AudioUploadReceiver {
  constructor(@Inject(transcriptionConfig.KEY) private readonly config: TranscriptionConfig) {}

  async receive(req: Request): Promise<AudioUpload> {
    if (req.is('multipart/form-data') === false) {
      throw new UnsupportedMediaError('The request must be multipart/form-data with the audio in `file`');
    }
    // Refused before a byte of the body is read.
    if (Number(req.headers['content-length']) > this.config.maxBytes + FORM_ALLOWANCE_BYTES) {
      throw new FileTooLargeError(this.config.maxBytes);
    }
    const dir = await mkdtemp(join(this.config.tmpDir, 'upload-'));
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
      return { ...(await this.parse(req, dir)), dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  }

  private parse(req: Request, dir: string): Promise<Omit<AudioUpload, 'dispose'>> {
    return new Promise((resolve, reject) => {
      let form: busboy.Busboy;
      try {
        form = busboy({
          headers: req.headers,
          limits: { fileSize: this.config.maxBytes, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
        });
      } catch (error) {
        reject(
          new InvalidTranscriptionRequestError(`Malformed multipart request: ${(error as Error).message}`),
        );
        return;
      }
      // No prototype: a field named `__proto__` or `constructor` is just a field.
      const fields: Record<string, string[]> = Object.create(null);
      const stopSaving = new AbortController();
      let saving: Promise<UploadedAudio> | undefined;
      let failed = false;

      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        stopSaving.abort();
        req.unpipe(form);
        // Discarding the rest of the body lets a client that is still sending read the answer.
        req.resume();
        void Promise.allSettled([saving]).then(() => reject(error));
      };

      form.on('field', (name, value, info) => {
        if (info.valueTruncated) {
          fail(
            new InvalidTranscriptionRequestError(`'${name}' is longer than ${MAX_FIELD_BYTES} bytes`, name),
          );
        } else {
          (fields[name] ??= []).push(value);
        }
      });
      form.on('file', (name, stream, { filename, mimeType }) => {
        if (name !== 'file' || saving || failed) {
          stream.resume();
          return;
        }
        if (!isAudio(filename, mimeType)) {
          stream.resume();
          fail(
            new UnsupportedMediaError(
              `'${filename}' (${mimeType}) is not audio; supported formats: ${AUDIO_EXTENSIONS.join(', ')}`,
              'file',
            ),
          );
          return;
        }
        stream.on('limit', () => fail(new FileTooLargeError(this.config.maxBytes)));
        const path = join(dir, `audio${formatHint(filename)}`);
        const sink = createWriteStream(path);
        saving = pipeline(stream, sink, { signal: stopSaving.signal }).then(() => ({
          path,
          filename,
          mimeType,
          size: sink.bytesWritten,
        }));
        saving.catch(fail);
      });
      form.on('close', () => {
        if (failed) return;
        Promise.resolve(saving).then((file) => resolve({ fields, ...(file ? { file } : {}) }), fail);
      });
      form.on('error', (error: Error) =>
        fail(new InvalidTranscriptionRequestError(`Malformed multipart request: ${error.message}`)),
      );
      req.on('error', fail);
      req.pipe(form);
    });
  }
}

function isAudio(filename: string, mimeType: string): boolean {
  return (
    formatHint(filename) !== '' || mimeType.startsWith('audio/') || AUDIO_CONTAINER_TYPES.includes(mimeType)
  );
}

/** The file's extension when it is an audio one: ffmpeg takes it as a hint when probing. */
function formatHint(filename: string): string {
  const extension = extname(filename).toLowerCase();
  return (AUDIO_EXTENSIONS as readonly string[]).includes(extension.slice(1)) ? extension : '';
}
