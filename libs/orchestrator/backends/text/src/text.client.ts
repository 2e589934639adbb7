import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AnalyzeTextRequestDto, TextAnalysisDto } from '@libs/core/contracts';
import { DownstreamError, maskSecrets } from '@libs/core/http';
import { DownstreamClient, type CallContext } from '@libs/core/resilience';
import { Observable, map } from 'rxjs';
import { TEXT_SERVICE, readTextConfig } from './text.config';

/** The text-service's API, as the orchestrator calls it. */
@Injectable()
export class TextClient {
  readonly downstream: DownstreamClient;

  constructor(http: HttpService, config: ConfigService) {
    this.downstream = new DownstreamClient(http.axiosRef, readTextConfig(config));
  }

  /** `POST /analyze`. Retried on transient failures: an analysis is a pure function of its input. */
  analyze(body: AnalyzeTextRequestDto, context: CallContext): Observable<TextAnalysisDto> {
    return this.downstream
      .request<unknown>({ method: 'POST', url: '/analyze', data: body }, context, { idempotent: true })
      .pipe(
        map((answer) => {
          if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
            throw new DownstreamError(
              TEXT_SERVICE,
              'bad-gateway',
              `${TEXT_SERVICE} did not answer a JSON object`,
              {
                detail: maskSecrets(String(JSON.stringify(answer)).slice(0, 200)),
              },
            );
          }
          return answer as TextAnalysisDto;
        }),
      );
  }
}
