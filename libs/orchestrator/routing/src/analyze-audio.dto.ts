import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TRANSCRIBABLE_EXTENSIONS } from '@libs/core/contracts';
import { TranscriptionDto } from '@libs/orchestrator/backends/audio';
import { TextAnalysisDto } from '@libs/core/contracts';
import { IsIn, IsOptional, Matches } from 'class-validator';

/** The options of `POST /analyze-audio`, as query parameters or as form fields. */
export class AnalyzeAudioOptionsDto {
  @ApiPropertyOptional({
    example: 'en',
    description:
      'ISO-639-1 code of the spoken language, detected when absent; the transcription service ' +
      'decides which it supports. As a form field it must come before the file.',
  })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be a two-letter ISO-639-1 code such as en or es' })
  language?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'Also analyse the transcript with the text service',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  analyze?: 'true' | 'false';
}

/** The multipart body of `POST /analyze-audio`, for the docs. */
export class AnalyzeAudioFormDto extends AnalyzeAudioOptionsDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: `The audio (${TRANSCRIBABLE_EXTENSIONS.join(', ')}), at most UPLOAD_MAX_BYTES (25 MB by default)`,
  })
  file!: unknown;
}

export class AudioAnalysisDto {
  @ApiProperty({ type: TranscriptionDto })
  transcription!: TranscriptionDto;

  @ApiPropertyOptional({
    type: TextAnalysisDto,
    description: 'With analyze=true, unless the transcript is empty',
  })
  analysis?: TextAnalysisDto;
}
