import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type, plainToInstance } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { TRANSCRIPTION_MODEL_ID } from './pocketsphinx.engine';
import { InvalidTranscriptionRequestError } from './transcription.errors';
import {
  RESPONSE_FORMATS,
  type ResponseFormat,
  STREAMED_FORMATS,
  TIMESTAMP_GRANULARITIES,
  type TimestampGranularity,
  type VerboseSegment,
  type VerboseTranscription,
  type VerboseWord,
} from './transcription.formats';

/**
 * The multipart form of `POST /v1/audio/transcriptions`. Property names are the form's field
 * names, so that a validation error names the field OpenAI's `param` refers to.
 */
export class CreateTranscriptionDto {
  // Received by AudioUploadReceiver as a stream; listed here so that Swagger documents it.
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'The audio: flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav or webm',
  })
  file?: unknown;

  @ApiProperty({ example: TRANSCRIPTION_MODEL_ID, description: 'Any name: this server has one model' })
  @IsString()
  @IsNotEmpty()
  model!: string;

  @ApiPropertyOptional({ example: 'en', description: 'ISO 639-1 code of the spoken language' })
  @IsOptional()
  @IsString()
  language?: string;

  @ApiPropertyOptional({ description: 'Accepted for compatibility and ignored' })
  @IsOptional()
  @IsString()
  prompt?: string;

  @ApiPropertyOptional({ enum: RESPONSE_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(RESPONSE_FORMATS)
  response_format?: ResponseFormat;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    default: 0,
    description: 'Accepted; decoding is deterministic',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  temperature?: number;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'Answer with server-sent events, `transcript.text.delta` as each utterance is decoded, then ' +
      '`transcript.text.done`; with response_format json or text only',
  })
  @IsOptional()
  // A form field is text: only "true" and "false" are booleans.
  @Transform(({ value }) => ({ true: true, false: false })[value as string] ?? value)
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({
    enum: TIMESTAMP_GRANULARITIES,
    isArray: true,
    description: 'With verbose_json: segment (the default) and/or word timestamps',
  })
  @IsOptional()
  @IsArray()
  @IsIn(TIMESTAMP_GRANULARITIES, { each: true })
  'timestamp_granularities[]'?: TimestampGranularity[];
}

/**
 * Validates the form's text fields. A field sent more than once keeps its last value, except
 * the `name[]` fields, which collect every value.
 */
export function toTranscriptionRequest(fields: Record<string, string[]>): CreateTranscriptionDto {
  const plain = Object.fromEntries(
    Object.entries(fields).map(([name, values]) => [name, name.endsWith('[]') ? values : values.at(-1)]),
  );
  const request = plainToInstance(CreateTranscriptionDto, plain);
  const [first, ...others] = validateSync(request, { whitelist: true });
  if (first) {
    const messages = [first, ...others].flatMap((error) => Object.values(error.constraints ?? {}));
    throw new InvalidTranscriptionRequestError(messages.join('; '), first.property);
  }
  if (
    request.stream &&
    !(STREAMED_FORMATS as readonly string[]).includes(request.response_format ?? 'json')
  ) {
    throw new InvalidTranscriptionRequestError(
      `stream=true answers with text events: response_format must be ${STREAMED_FORMATS.join(' or ')}`,
      'stream',
    );
  }
  return request;
}

export class TranscriptTextDeltaEventDto {
  @ApiProperty({ enum: ['transcript.text.delta'] }) type!: 'transcript.text.delta';
  @ApiProperty({ example: ' go forward', description: 'The text added; all deltas make up the transcript' })
  delta!: string;
}

export class TranscriptTextDoneEventDto {
  @ApiProperty({ enum: ['transcript.text.done'] }) type!: 'transcript.text.done';
  @ApiProperty({ example: 'i want to go home go forward' }) text!: string;
}

export class TranscriptionJsonDto {
  @ApiProperty({ example: 'i want to go home' })
  text!: string;
}

export class VerboseSegmentDto implements VerboseSegment {
  @ApiProperty() id!: number;
  @ApiProperty({ description: 'Always 0: the decoder has no 30-second windows' }) seek!: number;
  @ApiProperty({ example: 0.03 }) start!: number;
  @ApiProperty({ example: 1.44 }) end!: number;
  @ApiProperty({ example: 'i want to go home' }) text!: string;
  @ApiProperty({ type: [Number], description: 'Always empty' }) tokens!: number[];
  @ApiProperty() temperature!: number;
  @ApiProperty({ description: 'Mean log of the words’ posterior probabilities' }) avg_logprob!: number;
  @ApiProperty() compression_ratio!: number;
  @ApiProperty({ description: 'Always 0' }) no_speech_prob!: number;
}

export class VerboseWordDto implements VerboseWord {
  @ApiProperty({ example: 'want' }) word!: string;
  @ApiProperty({ example: 0.27 }) start!: number;
  @ApiProperty({ example: 0.55 }) end!: number;
}

export class VerboseTranscriptionDto implements VerboseTranscription {
  @ApiProperty({ example: 'transcribe' }) task!: 'transcribe';
  @ApiProperty({ example: 'english' }) language!: string;
  @ApiProperty({ example: 1.92 }) duration!: number;
  @ApiProperty({ example: 'i want to go home' }) text!: string;
  @ApiPropertyOptional({ type: [VerboseSegmentDto] }) segments?: VerboseSegmentDto[];
  @ApiPropertyOptional({ type: [VerboseWordDto] }) words?: VerboseWordDto[];
}

export class OpenAiErrorDetailDto {
  @ApiProperty({ example: 'The file exceeds the maximum upload size of 26214400 bytes' })
  message!: string;

  @ApiProperty({ enum: ['invalid_request_error', 'server_error'] })
  type!: string;

  @ApiProperty({ type: String, nullable: true, example: 'file' })
  param!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  code!: string | null;
}

/** OpenAI's error envelope, which OpenAI clients parse on this route instead of ours. */
export class OpenAiErrorDto {
  @ApiProperty({ type: OpenAiErrorDetailDto })
  error!: OpenAiErrorDetailDto;
}

export class ModelDto {
  @ApiProperty({ example: TRANSCRIPTION_MODEL_ID }) id!: string;
  @ApiProperty({ example: 'model' }) object!: string;
  @ApiProperty({ description: 'Unix time at which this server started serving the model' }) created!: number;
  @ApiProperty({ example: 'orchestrator' }) owned_by!: string;
}

export class ModelListDto {
  @ApiProperty({ example: 'list' }) object!: string;
  @ApiProperty({ type: [ModelDto] }) data!: ModelDto[];
}
