import { Controller, Get, HttpCode, HttpStatus, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiInternalServerErrorResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AudioUploadReceiver } from './audio-upload.receiver';
import { OpenAiErrorFilter } from './openai-error.filter';
import { PocketSphinxEngine, TRANSCRIPTION_MODEL_ID } from './pocketsphinx.engine';
import {
  CreateTranscriptionDto,
  ModelListDto,
  OpenAiErrorDto,
  TranscriptionJsonDto,
  VerboseTranscriptionDto,
  toTranscriptionRequest,
} from './transcription.dto';
import { InvalidTranscriptionRequestError } from './transcription.errors';
import { renderTranscription } from './transcription.formats';

/** OpenAI's speech-to-text API, so that any OpenAI client can use the engine. */
@ApiTags('transcription')
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
export class TranscriptionController {
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly uploads: AudioUploadReceiver,
    private readonly engine: PocketSphinxEngine,
  ) {}

  @Post('audio/transcriptions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Transcribe an audio file (OpenAI-compatible; English only)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateTranscriptionDto })
  @ApiExtraModels(TranscriptionJsonDto, VerboseTranscriptionDto)
  @ApiOkResponse({
    description: 'The transcript in the requested response_format',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(TranscriptionJsonDto) },
            { $ref: getSchemaPath(VerboseTranscriptionDto) },
          ],
        },
      },
      'text/plain': { schema: { type: 'string', description: 'text or srt' } },
      'text/vtt': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({
    type: OpenAiErrorDto,
    description: 'No file, an invalid field, or a language other than English',
  })
  @ApiPayloadTooLargeResponse({ type: OpenAiErrorDto, description: 'The file exceeds the upload limit' })
  @ApiUnsupportedMediaTypeResponse({
    type: OpenAiErrorDto,
    description: 'Not multipart/form-data, or the file is not (decodable) audio',
  })
  @ApiInternalServerErrorResponse({ type: OpenAiErrorDto, description: 'The engine failed or timed out' })
  async transcribe(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string | object> {
    const upload = await this.uploads.receive(req);
    try {
      const request = toTranscriptionRequest(upload.fields);
      if (!upload.file) {
        throw new InvalidTranscriptionRequestError(
          'A file is required: send the audio in the `file` field',
          'file',
        );
      }
      const transcription = await this.engine.transcribe(upload.file.path, {
        language: request.language,
        signal: abandonment(res),
      });
      const rendered = renderTranscription(
        transcription,
        request.response_format,
        request['timestamp_granularities[]'],
      );
      res.type(rendered.contentType);
      return rendered.body;
    } finally {
      await upload.dispose();
    }
  }

  @Get('models')
  @ApiOperation({ summary: 'The models this server transcribes with (OpenAI-compatible)' })
  @ApiOkResponse({ type: ModelListDto })
  models(): ModelListDto {
    return {
      object: 'list',
      data: [
        { id: TRANSCRIPTION_MODEL_ID, object: 'model', created: this.startedAt, owned_by: 'orchestrator' },
      ],
    };
  }
}

/** Aborted when the client disconnects before its answer is sent, so its job stops. */
function abandonment(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
