import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DownstreamError } from '@libs/core/http';
import { DownstreamClient, type CallContext } from '@libs/core/resilience';
import FormData from 'form-data';
import { PassThrough, type Readable } from 'node:stream';
import { Observable, defer, map } from 'rxjs';
import { TRANSCRIPTION_SERVICE, readAudioConfig } from './audio.config';
import type { TranscriptionDto, TranscriptionSegmentDto } from './audio.dto';

export interface AudioFile {
  /** Piped to the transcription service as it arrives, never buffered whole. */
  stream: Readable;
  filename: string;
  mimeType: string;
}

export interface TranscriptionOptions {
  /** ISO-639-1 code of the spoken language; the service detects it when absent. */
  language?: string;
}

/** The transcription service, through its OpenAI-compatible API. */
@Injectable()
export class AudioClient {
  readonly downstream: DownstreamClient;
  readonly model: string;
  readonly healthPath: string;

  constructor(http: HttpService, config: ConfigService) {
    const audio = readAudioConfig(config);
    this.downstream = new DownstreamClient(http.axiosRef, audio.downstream);
    this.model = audio.model;
    this.healthPath = audio.healthPath;
  }

  /**
   * `POST /v1/audio/transcriptions` with the file streamed into the multipart body as it
   * arrives (a chunked request). Never retried: the stream is consumed by the first attempt.
   * Unsubscribing aborts the upload.
   */
  transcribe(
    file: AudioFile,
    options: TranscriptionOptions,
    context: CallContext,
  ): Observable<TranscriptionDto> {
    return defer(() => {
      const form = new FormData();
      // Fields before the file, so that a server reading the form as a stream has them first.
      form.append('model', this.model);
      if (options.language) form.append('language', options.language);
      form.append('response_format', 'verbose_json');
      form.append('file', file.stream, { filename: headerSafe(file.filename), contentType: file.mimeType });
      // form-data is an old-style stream, which the transport (undici) does not read: it is piped
      // into a Readable, sent as it fills, with the socket's backpressure.
      const body = new PassThrough();
      // A failed upload (the client's form cut short, the circuit open before the request was
      // made) destroys the body with its error; the transport listens once it sends, this before then.
      body.on('error', () => undefined);
      form.on('error', (error) => body.destroy(error));
      return this.downstream.request<unknown>(
        {
          method: 'POST',
          url: '/v1/audio/transcriptions',
          data: form.pipe(body),
          headers: form.getHeaders(),
        },
        context,
        { idempotent: false },
      );
    }).pipe(map(toTranscription));
  }
}

/** form-data writes the name into a quoted header as is. */
const headerSafe = (filename: string) => filename.replace(/["\\\r\n]/g, '_');

function toTranscription(answer: unknown): TranscriptionDto {
  const verbose = (answer ?? {}) as {
    text?: unknown;
    language?: unknown;
    duration?: unknown;
    segments?: unknown;
  };
  if (typeof verbose.text !== 'string') {
    throw new DownstreamError(
      TRANSCRIPTION_SERVICE,
      'bad-gateway',
      `${TRANSCRIPTION_SERVICE} answered without a transcript text`,
    );
  }
  return {
    text: verbose.text.trim(),
    ...(typeof verbose.language === 'string' ? { language: verbose.language } : {}),
    ...(typeof verbose.duration === 'number' ? { duration: verbose.duration } : {}),
    segments: Array.isArray(verbose.segments) ? verbose.segments.filter(isSegment).map(toSegment) : [],
  };
}

const isSegment = (segment: unknown): segment is TranscriptionSegmentDto => {
  const { start, end, text } = (segment ?? {}) as Record<string, unknown>;
  return typeof start === 'number' && typeof end === 'number' && typeof text === 'string';
};

const toSegment = ({ start, end, text }: TranscriptionSegmentDto): TranscriptionSegmentDto => ({
  start,
  end,
  text: text.trim(),
});
