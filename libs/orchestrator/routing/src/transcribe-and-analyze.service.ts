import { Injectable } from '@nestjs/common';
import { AudioClient } from '@libs/orchestrator/backends/audio';
import { TextClient } from '@libs/orchestrator/backends/text';
import {
  SUPPORTED_LANGUAGES,
  type AnalyzeTextRequestDto,
  type SupportedLanguage,
} from '@libs/core/contracts';
import type { CallContext } from '@libs/core/resilience';
import { Observable, forkJoin, map, of, switchMap } from 'rxjs';
import type { AudioAnalysisDto } from './analyze-audio.dto';
import type { AudioUpload } from './audio-upload.reader';

/** The first composite flow: transcribe an uploaded recording, then analyse its transcript. */
@Injectable()
export class TranscribeAndAnalyzeService {
  constructor(
    private readonly audio: AudioClient,
    private readonly text: TextClient,
  ) {}

  /**
   * Transcribes the file while it streams in; once the whole form is read and the transcript is
   * back, analyses the transcript if the form asked for it.
   */
  run(upload: AudioUpload, context: CallContext): Observable<AudioAnalysisDto> {
    return forkJoin([
      this.audio.transcribe(upload.file, { language: upload.language }, context),
      upload.analyze,
    ]).pipe(
      switchMap(([transcription, analyze]) =>
        analyze && transcription.text
          ? this.text
              .analyze(analysisRequest(transcription.text, upload.language), context)
              .pipe(map((analysis) => ({ transcription, analysis })))
          : of({ transcription }),
      ),
    );
  }
}

/** The text service detects the language itself when the upload's is not one it knows. */
function analysisRequest(text: string, language?: string): AnalyzeTextRequestDto {
  return SUPPORTED_LANGUAGES.includes(language as SupportedLanguage)
    ? { text, language: language as SupportedLanguage }
    : { text };
}
