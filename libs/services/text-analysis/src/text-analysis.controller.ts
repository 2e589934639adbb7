import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnalyzeTextRequestDto, TextAnalysisDto } from '@libs/core/contracts';
import { ErrorEnvelopeDto } from '@libs/core/http';
import { TextAnalyzer } from './text-analyzer';

@ApiTags('text analysis')
@Controller()
export class TextAnalysisController {
  constructor(private readonly analyzer: TextAnalyzer) {}

  @Post('analyze')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Language, sentiment, keywords, named entities and counts of a text (en, es)' })
  @ApiOkResponse({ type: TextAnalysisDto })
  @ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description: 'Invalid body; every invalid field is listed',
  })
  analyze(@Body() body: AnalyzeTextRequestDto): TextAnalysisDto {
    return this.analyzer.analyze(body.text, { language: body.language, analyses: body.analyses });
  }
}
