/**
 * A transcription that cannot be done, with the HTTP status and the request field (OpenAI's
 * `param`) it is answered with. 4xx: the client must change the request; 5xx: the engine failed.
 */
export abstract class TranscriptionError extends Error {
  abstract readonly status: number;

  constructor(
    message: string,
    readonly param: string | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidTranscriptionRequestError extends TranscriptionError {
  readonly status = 400;
}

export class UnsupportedLanguageError extends TranscriptionError {
  readonly status = 400;

  constructor(
    readonly language: string,
    readonly supported: readonly string[],
  ) {
    super(
      `Language '${language}' is not supported; supported languages: ${supported.join(', ')}`,
      'language',
    );
  }
}

export class FileTooLargeError extends TranscriptionError {
  readonly status = 413;

  constructor(maxBytes: number) {
    super(`The file exceeds the maximum upload size of ${maxBytes} bytes`, 'file');
  }
}

/** Not audio, or audio that ffmpeg cannot decode. */
export class UnsupportedMediaError extends TranscriptionError {
  readonly status = 415;
}

/** The engine failed (or ran out of time) on a request that was valid. */
export class TranscriptionFailedError extends TranscriptionError {
  readonly status = 500;
}
