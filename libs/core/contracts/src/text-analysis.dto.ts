import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export const SUPPORTED_LANGUAGES = ['en', 'es'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];
export const ANALYSES = ['language', 'sentiment', 'keywords', 'entities', 'statistics'] as const;
export type Analysis = (typeof ANALYSES)[number];

/** Longest text analysed in one request, in characters. */
export const MAX_TEXT_LENGTH = 100_000;

/**
 * The body of a text analysis, the same at the orchestrator's `POST /analyze-text` and the
 * text-service's `POST /analyze`, so that both validate and document it alike.
 */
export class AnalyzeTextRequestDto {
  @ApiProperty({
    example: 'I love the new office in Madrid. The team is fantastic!',
    maxLength: MAX_TEXT_LENGTH,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TEXT_LENGTH)
  text!: string;

  @ApiPropertyOptional({ enum: SUPPORTED_LANGUAGES, description: 'Detected from the text when absent' })
  @IsOptional()
  @IsIn(SUPPORTED_LANGUAGES)
  language?: SupportedLanguage;

  @ApiPropertyOptional({
    enum: ANALYSES,
    isArray: true,
    description: 'Analyses to run; all of them when absent or empty',
    example: ['sentiment', 'keywords'],
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ANALYSES, { each: true })
  analyses?: Analysis[];
}

export class LanguageDto {
  @ApiProperty({ enum: SUPPORTED_LANGUAGES, example: 'en' })
  code!: SupportedLanguage;
  @ApiProperty({ example: 0.97, description: 'Detector confidence, 0 when the text was too short to tell' })
  confidence!: number;
  @ApiProperty({ description: 'False when the language was given in the request' })
  detected!: boolean;
}

export class SentimentDto {
  @ApiProperty({ example: 0.412, description: 'Mean AFINN score per token' })
  score!: number;
  @ApiProperty({ enum: ['positive', 'negative', 'neutral'] })
  label!: 'positive' | 'negative' | 'neutral';
}

export class KeywordDto {
  @ApiProperty({ example: 'team' })
  term!: string;
  @ApiProperty({ example: 2 })
  count!: number;
  @ApiProperty({ example: 0.125, description: 'Share of the tokens' })
  score!: number;
}

export class EntityDto {
  @ApiProperty({ example: 'Madrid' })
  text!: string;
  @ApiProperty({ enum: ['person', 'place', 'organization'] })
  type!: 'person' | 'place' | 'organization';
}

export class StatisticsDto {
  @ApiProperty({ example: 2 })
  sentences!: number;
  @ApiProperty({ example: 10 })
  tokens!: number;
  @ApiProperty({ example: 56 })
  characters!: number;
}

/** What a text analysis returns: only the analyses asked for are present. */
export class TextAnalysisDto {
  @ApiPropertyOptional({ type: LanguageDto })
  language?: LanguageDto;
  @ApiPropertyOptional({ type: SentimentDto })
  sentiment?: SentimentDto;
  @ApiPropertyOptional({ type: [KeywordDto] })
  keywords?: KeywordDto[];
  @ApiPropertyOptional({ type: [EntityDto] })
  entities?: EntityDto[];
  @ApiPropertyOptional({ type: StatisticsDto })
  statistics?: StatisticsDto;
}
