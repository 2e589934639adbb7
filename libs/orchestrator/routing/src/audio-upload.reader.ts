import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';
import { AUDIO_SIGNATURE_BYTES, whyNotTranscribable } from '@libs/core/contracts';
import { MultipartForm, invalidRequest, toFieldErrors, type FieldErrorDto } from '@libs/core/http';
import type { AudioFile } from '@libs/orchestrator/backends/audio';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request, Response } from 'express';
import { AsyncSubject, Observable } from 'rxjs';
import { AnalyzeAudioOptionsDto } from './analyze-audio.dto';

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
 * Reads `POST /analyze-audio`'s form as it arrives (`MultipartForm`), so that the file is passed
 * on while it streams in, once its first bytes show it is audio.
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
      let form: MultipartForm;
      try {
        form = MultipartForm.open(req, res, {
          fileMaxBytes: this.maxBytes,
          fileFields: ['file'],
          maxFields: FIELDS_MAX,
          fieldMaxBytes: FIELD_MAX_BYTES,
          headBytes: AUDIO_SIGNATURE_BYTES,
          checkFile: whyNotTranscribable,
        });
      } catch (error) {
        subscriber.error(error);
        return;
      }
      const analyze = new AsyncSubject<boolean>();
      void (async () => {
        const fields: Record<string, string> = Object.create(null);
        let file: AudioFile | undefined;
        for (let part = await form.next(); part; part = await form.next()) {
          if (part.kind === 'file') {
            const invalid = invalidFields(fields);
            if (invalid.length > 0) throw invalidRequest(invalid);
            file = { stream: part.stream, filename: part.filename, mimeType: part.mimeType };
            subscriber.next({ file, language: fields['language'] ?? query.language, analyze });
          } else if (file && part.name === 'language') {
            throw invalidRequest([
              {
                field: 'language',
                errors: [
                  'language must come before the file in the form, or be sent as a query parameter ' +
                    '(?language=en): the transcription starts as soon as the file does',
                ],
              },
            ]);
          } else {
            fields[part.name] = part.value;
          }
        }
        const invalid = [
          ...invalidFields(fields),
          ...(file ? [] : [{ field: 'file', errors: ['file is required: the audio to transcribe'] }]),
        ];
        if (invalid.length > 0) throw invalidRequest(invalid);
        analyze.next((fields['analyze'] ?? query.analyze) === 'true');
        analyze.complete();
        subscriber.complete();
      })().catch((error: unknown) => {
        form.abandon();
        analyze.error(error);
        subscriber.error(error);
      });
      return () => form.abandon();
    });
  }
}

const invalidFields = (fields: Record<string, string>): FieldErrorDto[] =>
  toFieldErrors(
    validateSync(plainToInstance(AnalyzeAudioOptionsDto, { ...fields }), {
      whitelist: true,
      forbidNonWhitelisted: true,
    }),
  );
