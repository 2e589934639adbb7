import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TextClient } from '@orchestrator/backends/text';
import { AnalyzeTextRequestDto, TextAnalysisDto } from '@orchestrator/contracts';
import { ApiErrorResponses, downstreamFailures, requestIdOf } from '@orchestrator/http';
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
