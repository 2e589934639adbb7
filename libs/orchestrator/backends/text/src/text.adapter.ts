import { Injectable } from '@nestjs/common';
import type { AnalyzeTextRequestDto, TextAnalysisDto } from '@libs/core/contracts';
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
import type { Observable } from 'rxjs';
import { TextClient } from './text.client';
import { TEXT_SERVICE } from './text.config';

export const TEXT_SOURCE_TYPE = 'text';
const TEXT_SOURCE_SHAPE: SourceShape = {
  operations: ['analyze'],
  required: ['text'],
  optional: ['language', 'analyses'],
};

/**
 * Sources of type `text`: `analyze` (the default operation) sends `{ text, language?,
 * analyses? }` to the text-service and answers its analysis. The service validates the values,
 * and its 400 names the source.
 */
@Injectable()
@SourceAdapterFor(TEXT_SOURCE_TYPE)
export class TextSourceAdapter implements SourceAdapter {
  readonly type = TEXT_SOURCE_TYPE;

  constructor(private readonly client: TextClient) {}

  validate(source: SourceDeclarationView): SourceProblem[] {
    return shapeProblems(source, TEXT_SOURCE_SHAPE);
  }

  /** An analysis is a pure function of its input. */
  idempotent(): boolean {
    return true;
  }

  execute(call: SourceCall): Observable<TextAnalysisDto> {
    const { text, language, analyses } = call.params;
    const request = { text, language, analyses } as AnalyzeTextRequestDto;
    return this.client
      .analyze(request, call.context)
      .pipe(withinSourceCall(call, TEXT_SERVICE));
  }
}
