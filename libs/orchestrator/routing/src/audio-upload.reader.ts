import {
  BadRequestException,
  HttpException,
  Injectable,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TRANSCRIBABLE_EXTENSIONS, isTranscribable, type AudioFile } from '@libs/orchestrator/backends/audio';
import { invalidRequest, toFieldErrors, type FieldErrorDto } from '@libs/core/http';
import busboy from 'busboy';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request, Response } from 'express';
import { AsyncSubject, Observable } from 'rxjs';
import { AnalyzeAudioOptionsDto } from './analyze-audio.dto';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';

const FIELD_MAX_BYTES = 1024;
const FIELDS_MAX = 16;

export interface AudioUpload {
  file: AudioFile;
  /** From a form field sent before the file, else from the query: the transcription starts with the file. */
  language?: string;
  /** Whether to analyse the transcript; known once the whole form is read, as `analyze` may follow the file. */
  analyze: Observable<boolean>;
}

/**
 * Reads `multipart/form-data` audio uploads as they arrive, with busboy, so that the file is
 * passed on while it streams in and never held in memory.
 */
@Injectable()
export class AudioUploadReader {
  private readonly maxBytes: number;

  constructor(config: ConfigService) {
    this.maxBytes = config.getOrThrow<number>(UPLOAD_MAX_BYTES);
  }

  /**
   * Emits the upload once its `file` part begins, with the file's stream live, and completes once
   * the whole form has been read. Unsubscribing before then (any failure) stops reading the
   * request, and the answer closes the connection rather than read the rest of the body.
   */
  read(req: Request, res: Response, query: AnalyzeAudioOptionsDto): Observable<AudioUpload> {
    return new Observable<AudioUpload>((subscriber) => {
      const closeAfterAnswer = () => {
        if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
      };
      let form: busboy.Busboy;
      try {
        form = this.openForm(req);
      } catch (error) {
        subscriber.error(error);
        return closeAfterAnswer;
      }

      const analyze = new AsyncSubject<boolean>();
      const fail = (error: HttpException) => {
        analyze.error(error);
        subscriber.error(error);
      };
      const fields: Record<string, string> = {};
      let file: AudioFile | undefined;

      form.on('field', (name, value, { valueTruncated }) => {
        if (valueTruncated) {
          return fail(
            invalidRequest([{ field: name, errors: [`${name} must be at most ${FIELD_MAX_BYTES} bytes`] }]),
          );
        }
        if (file && name === 'language') {
          return fail(
            invalidRequest([
              {
                field: 'language',
                errors: [
                  'language must come before the file in the form, or be sent as a query parameter ' +
                    '(?language=en): the transcription starts as soon as the file does',
                ],
              },
            ]),
          );
        }
        fields[name] = value;
      });
      form.on('fieldsLimit', () =>
        fail(new BadRequestException(`A form has at most ${FIELDS_MAX} fields besides the file`)),
      );
      form.on('file', (name, stream, { filename = '', mimeType }) => {
        // Busboy hands its own failure to the file stream too; it is reported through the form's 'error'.
        stream.on('error', () => undefined);
        if (name !== 'file') return void stream.resume();
        const upload = { stream, filename, mimeType };
        if (!isTranscribable(upload)) {
          return fail(
            new UnsupportedMediaTypeException(
              `${filename || 'The file'} (${mimeType}) is not audio the transcription service takes: ` +
                `send ${TRANSCRIBABLE_EXTENSIONS.join(', ')}`,
            ),
          );
        }
        const invalid = invalidFields(fields);
        if (invalid.length > 0) return fail(invalidRequest(invalid));
        stream.once('limit', () => fail(this.tooLarge('The file')));
        file = upload;
        subscriber.next({ file, language: fields['language'] ?? query.language, analyze });
      });
      form.once('close', () => {
        const invalid = [
          ...invalidFields(fields),
          ...(file ? [] : [{ field: 'file', errors: ['file is required: the audio to transcribe'] }]),
        ];
        if (invalid.length > 0) return fail(invalidRequest(invalid));
        analyze.next((fields['analyze'] ?? query.analyze) === 'true');
        analyze.complete();
        subscriber.complete();
      });
      form.on('error', (error: Error) =>
        fail(new BadRequestException(`Unreadable multipart body: ${error.message}`)),
      );
      const failIfCut = () => {
        if (!req.complete) fail(new BadRequestException('The request ended before its form was complete'));
      };
      req.once('close', failIfCut);
      req.pipe(form);

      return () => {
        req.off('close', failIfCut);
        if (req.complete) return;
        req.unpipe(form);
        file?.stream.destroy();
        closeAfterAnswer();
      };
    });
  }

  /** The form parser of a request that may be an upload; throws for one that cannot be. */
  private openForm(req: Request): busboy.Busboy {
    if (!req.is('multipart/form-data')) {
      throw new UnsupportedMediaTypeException('Send the audio as multipart/form-data, in a field named file');
    }
    const declaredBytes = Number(req.headers['content-length']);
    if (declaredBytes > this.maxBytes) throw this.tooLarge(`The upload (${declaredBytes} bytes)`);
    try {
      return busboy({
        headers: req.headers,
        // One byte over the limit, since busboy reports a file that reaches its limit exactly.
        limits: { fileSize: this.maxBytes + 1, files: 1, fields: FIELDS_MAX, fieldSize: FIELD_MAX_BYTES },
      });
    } catch (error) {
      throw new BadRequestException(`Unreadable multipart request: ${(error as Error).message}`);
    }
  }

  private tooLarge(what: string): PayloadTooLargeException {
    return new PayloadTooLargeException(`${what} is larger than the limit of ${this.maxBytes} bytes`);
  }
}

const invalidFields = (fields: Record<string, string>): FieldErrorDto[] =>
  toFieldErrors(
    validateSync(plainToInstance(AnalyzeAudioOptionsDto, fields), {
      whitelist: true,
      forbidNonWhitelisted: true,
    }),
  );
