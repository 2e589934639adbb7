import { Controller, HttpCode, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, downstreamFailures, requestIdOf } from '@libs/core/http';
import type { Request, Response } from 'express';
import { Observable, switchMap } from 'rxjs';
import { AnalyzeAudioFormDto, AnalyzeAudioOptionsDto, AudioAnalysisDto } from './analyze-audio.dto';
import { AudioUploadReader } from './audio-upload.reader';
import { TranscribeAndAnalyzeService } from './transcribe-and-analyze.service';

@ApiTags('audio')
@Controller()
export class AnalyzeAudioController {
  constructor(
    private readonly uploads: AudioUploadReader,
    private readonly transcribeAndAnalyze: TranscribeAndAnalyzeService,
  ) {}

  @Post('analyze-audio')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Transcribe a recording, and optionally analyse its transcript',
    description:
      'The file is streamed to the transcription service as it arrives. `language` and `analyze` ' +
      'are accepted as query parameters or form fields; a `language` field must come before the file.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: AnalyzeAudioFormDto })
  @ApiOkResponse({ type: AudioAnalysisDto })
  @ApiErrorResponses({
    400: 'No file, an invalid option, or language sent after the file; invalid fields are listed',
    413: 'The upload is larger than UPLOAD_MAX_BYTES (the connection is then closed)',
    415: 'Not multipart/form-data, or the file is not audio the transcription service takes',
    ...downstreamFailures('transcription or text service'),
  })
  analyzeAudio(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() options: AnalyzeAudioOptionsDto,
  ): Observable<AudioAnalysisDto> {
    const context = { requestId: requestIdOf(req) };
    return this.uploads
      .read(req, res, options)
      .pipe(switchMap((upload) => this.transcribeAndAnalyze.run(upload, context)));
  }
}
