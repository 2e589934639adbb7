import { Injectable } from '@nestjs/common';
import { whyNotTranscribable } from '@libs/core/contracts';
import { DownstreamError, type FileHead } from '@libs/core/http';
import {
  SourceAdapterFor,
  shapeProblems,
  withinSourceCall,
  type SourceAdapter,
  type SourceCall,
  type SourceDeclarationView,
  type SourceProblem,
  type SourceShape,
} from '@libs/core/sources';
import { Readable } from 'node:stream';
import { Observable, defer } from 'rxjs';
import { AudioClient, type AudioFile } from './audio.client';
import { TRANSCRIPTION_SERVICE } from './audio.config';
import type { TranscriptionDto } from './audio.dto';

export const AUDIO_SOURCE_TYPE = 'audio';
const AUDIO_SOURCE_SHAPE: SourceShape = {
  operations: ['transcribe'],
  required: ['file'],
  optional: ['language'],
};

/**
 * Sources of type `audio`: `transcribe` (the default operation) streams `file`, an uploaded
 * `AudioFile` taken from the request, to the transcription service, with an optional
 * `language`, and answers the transcription (`text`, `language`, `duration`, `segments`).
 */
@Injectable()
@SourceAdapterFor(AUDIO_SOURCE_TYPE)
export class AudioSourceAdapter implements SourceAdapter {
  readonly type = AUDIO_SOURCE_TYPE;

  constructor(private readonly client: AudioClient) {}

  validate(source: SourceDeclarationView): SourceProblem[] {
    return shapeProblems(source, AUDIO_SOURCE_SHAPE);
  }

  /** The transcription service takes audio only: what the file's bytes, or its name and type, say it is. */
  checkFile(file: FileHead): string | undefined {
    return whyNotTranscribable(file);
  }

  /** The upload stream is consumed by the first attempt. */
  idempotent(): boolean {
    return false;
  }

  execute(call: SourceCall): Observable<TranscriptionDto> {
    return defer(() => {
      const { file, language } = call.params;
      if (!isAudioFile(file)) throw refusal(call.source, 'param file is not an uploaded file');
      if (language !== undefined && language !== null && typeof language !== 'string') {
        throw refusal(
          call.source,
          `param language must be a language code (got ${JSON.stringify(language)})`,
        );
      }
      return this.client.transcribe(
        file,
        { language: typeof language === 'string' ? language : undefined },
        call.context,
      );
    }).pipe(withinSourceCall(call, TRANSCRIPTION_SERVICE));
  }
}

const isAudioFile = (value: unknown): value is AudioFile => {
  const { stream, filename, mimeType } = (value ?? {}) as Partial<AudioFile>;
  return stream instanceof Readable && typeof filename === 'string' && typeof mimeType === 'string';
};

const refusal = (source: string, message: string) =>
  new DownstreamError(source, 'rejected', `${source}: ${message}`, { downstreamStatus: 400 });
