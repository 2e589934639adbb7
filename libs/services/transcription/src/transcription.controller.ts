import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Logger,
  Post,
  Req,
  Res,
  StreamableFile,
  UseFilters,
} from '@nestjs/common';
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
import { PassThrough } from 'node:stream';
import { AudioUploadReceiver } from './audio-upload.receiver';
import { OpenAiErrorFilter, toOpenAiError } from './openai-error.filter';
import { PocketSphinxEngine, TRANSCRIPTION_MODEL_ID } from './pocketsphinx.engine';
import {
  CreateTranscriptionDto,
  ModelListDto,
  OpenAiErrorDto,
  TranscriptTextDeltaEventDto,
  TranscriptTextDoneEventDto,
  TranscriptionJsonDto,
  VerboseTranscriptionDto,
  toTranscriptionRequest,
} from './transcription.dto';
import { InvalidTranscriptionRequestError } from './transcription.errors';
import { type TranscriptionEvent, serverSentEvent } from './transcription.events';
import { renderTranscription } from './transcription.formats';

/** OpenAI's speech-to-text API, so that any OpenAI client can use the engine. */
@ApiTags('transcription')
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
export class TranscriptionController {
  private readonly startedAt = Math.floor(Date.now() / 1000);
  private readonly logger = new Logger('Transcription');

  constructor(
    private readonly uploads: AudioUploadReceiver,
    private readonly engine: PocketSphinxEngine,
  ) {}

  @Post('audio/transcriptions')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Transcribe an audio file (OpenAI-compatible; English only)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateTranscriptionDto })
  @ApiExtraModels(
    TranscriptionJsonDto,
    VerboseTranscriptionDto,
    TranscriptTextDeltaEventDto,
    TranscriptTextDoneEventDto,
  )
  @ApiOkResponse({
    description:
      'The transcript in the requested response_format; with stream=true, server-sent events ' +
      '(`data: {…}` lines), a failure after the first one as an `error` event in the OpenAI envelope',
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
      'text/event-stream': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(TranscriptTextDeltaEventDto) },
            { $ref: getSchemaPath(TranscriptTextDoneEventDto) },
          ],
        },
      },
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
  async transcribe(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string | object | StreamableFile> {
    const upload = await this.uploads.receive(req, res);
    let disposeLater = false;
    try {
      const request = toTranscriptionRequest(upload.fields);
      if (!upload.file) {
        throw new InvalidTranscriptionRequestError(
          'A file is required: send the audio in the `file` field',
          'file',
        );
      }
      const options = { language: request.language, signal: abandonment(res) };
      if (request.stream) {
        const stream = new TranscriptStream(this.logger, options.signal);
        const transcription = this.engine
          .transcribe(upload.file.path, {
            ...options,
            onSegments: (segments) => stream.delta(segments.map((s) => s.text)),
          })
          .finally(() => upload.dispose());
        disposeLater = true;
        const body = await stream.start(transcription);
        res.setHeader('Cache-Control', 'no-cache');
        return body;
      }
      const transcription = await this.engine.transcribe(upload.file.path, options);
      const rendered = renderTranscription(
        transcription,
        request.response_format,
        request['timestamp_granularities[]'],
      );
      res.type(rendered.contentType);
      return rendered.body;
    } finally {
      if (!disposeLater) await upload.dispose();
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

/**
 * The server-sent events of one streamed transcription. The answer starts with the first event,
 * so that a failure before it (audio that cannot be decoded, a dead decoder) is still answered
 * with its status; a failure after it is sent as an `error` event, and the stream ends.
 */
class TranscriptStream {
  private readonly body = new PassThrough();
  private begin!: () => void;
  private readonly begun = new Promise<void>((resolve) => (this.begin = resolve));
  private deltas = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clientGone: AbortSignal,
  ) {
    // Destroyed when the client goes away; the job is cancelled then (see abandonment).
    this.body.on('error', () => undefined);
  }

  /** Each text becomes a delta; all the deltas together spell the transcript. */
  delta(texts: string[]): void {
    for (const text of texts) {
      this.send({ type: 'transcript.text.delta', delta: this.deltas++ === 0 ? text : ` ${text}` });
    }
    this.begin();
  }

  /** Resolves with the body once the first event is ready; rejects if the job fails before. */
  async start(transcription: Promise<{ text: string }>): Promise<StreamableFile> {
    await Promise.race([this.begun, transcription]);
    transcription.then(
      ({ text }) => this.end({ type: 'transcript.text.done', text }),
      (error: unknown) => {
        if (this.clientGone.aborted) return;
        const { status, body } = toOpenAiError(error);
        if (status >= HttpStatus.INTERNAL_SERVER_ERROR) {
          this.logger.error({ err: error, statusCode: status }, body.error.message);
        }
        this.end({ type: 'error', ...body });
      },
    );
    return new StreamableFile(this.body, { type: 'text/event-stream; charset=utf-8' });
  }

  private send(event: TranscriptionEvent): void {
    if (!this.body.destroyed && !this.body.writableEnded) this.body.write(serverSentEvent(event));
  }

  private end(event: TranscriptionEvent): void {
    this.send(event);
    this.body.end();
  }
}
