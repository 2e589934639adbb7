import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TextClient } from '@libs/orchestrator/backends/text';
import { AnalyzeTextRequestDto, TextAnalysisDto } from '@libs/core/contracts';
import { ApiErrorResponses, downstreamFailures, requestIdOf } from '@libs/core/http';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

@ApiTags('text')
@Controller()
export class AnalyzeTextController {
  constructor(private readonly text: TextClient) {}

  @Post('analyze-text')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Language, sentiment, keywords, named entities and counts of a text (en, es)' })
  @ApiOkResponse({ type: TextAnalysisDto })
  @ApiErrorResponses({
    400: 'Invalid body; every invalid field is listed',
    ...downstreamFailures('text service'),
  })
  analyzeText(@Body() body: AnalyzeTextRequestDto, @Req() req: Request): Observable<TextAnalysisDto> {
    return this.text.analyze(body, { requestId: requestIdOf(req) });
  }
}
