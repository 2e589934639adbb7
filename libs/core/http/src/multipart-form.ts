import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import busboy from 'busboy';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { hasMediaType } from './media-type';

/** What a form's file is checked by, before a byte of it is passed on. */
export interface FileHead {
  field: string;
  filename: string;
  mimeType: string;
  /** The file's first `headBytes` bytes (fewer when the file is shorter). */
  head: Buffer;
}

export interface MultipartLimits {
  /** Largest file, counted on the stream, chunked or not: past it, a 413. */
  fileMaxBytes: number;
  /** The fields that may hold a file; a file in any other field is a 400. */
  fileFields: readonly string[];
  /** Text fields (default 16) and the bytes of each (default 60 KiB). */
  maxFields?: number;
  fieldMaxBytes?: number;
  /** Why a file may not be taken (a 415 with that reason), or undefined to take it. */
  checkFile?: (file: FileHead) => string | undefined;
  /** How many of a file's first bytes `checkFile` is given (default 16). */
  headBytes?: number;
}

export type FormPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; name: string; filename: string; mimeType: string; stream: Readable };

const DEFAULT_MAX_FIELDS = 16;
const DEFAULT_FIELD_MAX_BYTES = 60 * 1024;
/** A part's boundary line and headers, generously. */
const PART_OVERHEAD_BYTES = 1024;

/** The 413 of a form declared larger than its file's limit and its fields may make it. */
export function uploadTooLarge(declared: number, fileMaxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(
    `The upload (${declared} bytes) is larger than its file's limit of ${fileMaxBytes} bytes and the fields beside it`,
  );
}

/**
 * The largest Content-Length a form is read with: its file's limit, plus what its fields may
 * weigh and the framing of every part (with the default field limits, under 1 MiB). A body
 * declared over it is refused before a byte of it is read; one under it is read, and its file
 * counted as it streams.
 */
export function multipartBodyLimit(
  fileMaxBytes: number,
  { maxFields = DEFAULT_MAX_FIELDS, fieldMaxBytes = DEFAULT_FIELD_MAX_BYTES }: Partial<MultipartLimits> = {},
): number {
  return fileMaxBytes + maxFields * (fieldMaxBytes + PART_OVERHEAD_BYTES) + 2 * PART_OVERHEAD_BYTES;
}

const DEFAULT_HEAD_BYTES = 16;
/** A part's headers: Content-Disposition and Content-Type, and a few to spare. */
const MAX_HEADER_PAIRS = 8;

/**
 * The one reader of multipart/form-data bodies: parts come in order as they arrive (`next()`),
 * a file as a live stream that is never buffered whole. Every limit is counted on the stream,
 * whatever Content-Length says: the file's bytes, the number and size of fields, the parts'
 * headers. A malformed or truncated form is the client's 400 naming what is wrong; the file's
 * stream is then destroyed with that same error, so a downstream call consuming it fails as
 * the client's fault, never the downstream's. No stream or socket error goes unheard.
 *
 * `abandon()` stops reading (the answer then closes the connection rather than read the rest).
 */
export class MultipartForm {
  /**
   * The parts in the body's order. A file's slot is reserved when it begins and filled once its
   * first bytes are checked: busboy reports the fields after a file before the file's bytes, and
   * they must not overtake it.
   */
  private readonly queue: { part?: FormPart }[] = [];
  private readonly waiting: { resolve: (part?: FormPart) => void; reject: (error: unknown) => void }[] = [];
  private failure?: HttpException;
  private ended = false;
  private file?: PassThrough;
  private readonly form: busboy.Busboy;

  private constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse | undefined,
    private readonly limits: MultipartLimits,
  ) {
    try {
      this.form = busboy({
        headers: req.headers,
        limits: {
          // One byte over, as busboy reports a file that reaches its limit exactly.
          fileSize: limits.fileMaxBytes + 1,
          files: limits.fileFields.length,
          fields: limits.maxFields ?? DEFAULT_MAX_FIELDS,
          fieldSize: limits.fieldMaxBytes ?? DEFAULT_FIELD_MAX_BYTES,
          parts: limits.fileFields.length + (limits.maxFields ?? DEFAULT_MAX_FIELDS),
          headerPairs: MAX_HEADER_PAIRS,
        },
      });
    } catch (error) {
      throw new BadRequestException(`The multipart body cannot be read: ${boundaryProblem(error)}`);
    }
    this.listen();
    req.pipe(this.form);
  }

  /** Opens the form of a request; a body that is no multipart/form-data is refused at once. */
  static open(req: IncomingMessage, res: ServerResponse | undefined, limits: MultipartLimits): MultipartForm {
    if (!hasMediaType(req, 'multipart/form-data')) {
      throw new UnsupportedMediaTypeException('Send a multipart/form-data body');
    }
    const declared = Number(req.headers['content-length']);
    if (declared > multipartBodyLimit(limits.fileMaxBytes, limits)) {
      // The rest of a refused body is not read: the connection closes after the answer.
      res?.setHeader('Connection', 'close');
      throw uploadTooLarge(declared, limits.fileMaxBytes);
    }
    return new MultipartForm(req, res, limits);
  }

  /** The next part, undefined once the form has ended; rejects with the form's failure. */
  next(): Promise<FormPart | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    const promise = new Promise<FormPart | undefined>((resolve, reject) =>
      this.waiting.push({ resolve, reject }),
    );
    this.deliver();
    return promise;
  }

  /** Hands the parts that are ready, in order, to whoever waits for them; undefined once all are read. */
  private deliver(): void {
    while (this.waiting.length > 0) {
      const slot = this.queue[0];
      if (slot && !slot.part) return;
      if (!slot && !this.ended) return;
      this.queue.shift();
      this.waiting.shift()?.resolve(slot?.part);
    }
  }

  /**
   * Stops reading: what is still in flight fails with `reason`, the file's stream is destroyed
   * and the answer, not yet sent, closes the connection instead of reading the rest.
   */
  abandon(reason: HttpException = new BadRequestException('The form was not read to its end')): void {
    if (this.ended && !this.failure) return;
    this.fail(reason);
  }

  private listen(): void {
    const { form, req, limits } = this;
    const fieldMaxBytes = limits.fieldMaxBytes ?? DEFAULT_FIELD_MAX_BYTES;
    form.on('field', (name, value, { nameTruncated, valueTruncated }) => {
      if (nameTruncated || valueTruncated) {
        return this.fail(
          new BadRequestException(`The form field ${name} is longer than ${fieldMaxBytes} bytes`),
        );
      }
      this.push({ kind: 'field', name, value });
    });
    form.on('file', (name, stream, { filename = '', mimeType }) => {
      // busboy hands its own failure to the file stream too; the form's 'error' reports it.
      stream.on('error', () => undefined);
      if (!limits.fileFields.includes(name)) {
        stream.resume();
        return this.fail(
          new BadRequestException(
            `The form field ${name} holds a file; files go in ${limits.fileFields.join(', ')}`,
          ),
        );
      }
      this.receiveFile(name, filename, mimeType, stream);
    });
    form.on('fieldsLimit', () =>
      this.fail(
        new BadRequestException(`The form has more than ${limits.maxFields ?? DEFAULT_MAX_FIELDS} fields`),
      ),
    );
    form.on('filesLimit', () =>
      this.fail(new BadRequestException(`The form has more than ${limits.fileFields.length} files`)),
    );
    form.on('partsLimit', () => this.fail(new BadRequestException('The form has too many parts')));
    form.on('error', (error: Error) => this.fail(new BadRequestException(formProblem(error))));
    form.on('close', () => {
      if (this.failure) return;
      this.ended = true;
      this.deliver();
    });
    req.on('error', () => this.fail(clientLeft()));
    req.on('close', () => {
      if (!req.complete) this.fail(clientLeft());
    });
  }

  /**
   * The file, once its first bytes are checked, as a stream that gives them and the rest; past
   * the limit, a 413 that fails the form and the stream alike.
   */
  private receiveFile(name: string, filename: string, mimeType: string, stream: Readable): void {
    const headBytes = this.limits.headBytes ?? DEFAULT_HEAD_BYTES;
    const slot: { part?: FormPart } = {};
    this.queue.push(slot);
    const file = new PassThrough();
    // Errors reach the consumer through next() and its own listeners; this one keeps an error
    // nobody listens for from crashing the process.
    file.on('error', () => undefined);
    this.file = file;
    let head = Buffer.alloc(0);
    let checked = false;
    const check = () => {
      checked = true;
      const reason = this.limits.checkFile?.({ field: name, filename, mimeType, head });
      if (reason) return this.fail(new UnsupportedMediaTypeException(reason));
      file.write(head);
      slot.part = { kind: 'file', name, filename, mimeType, stream: file };
      this.deliver();
    };
    stream.on('data', (chunk: Buffer) => {
      if (this.failure) return;
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= headBytes) check();
        return;
      }
      if (!file.write(chunk)) stream.pause();
    });
    file.on('drain', () => stream.resume());
    stream.once('limit', () =>
      this.fail(
        new PayloadTooLargeException(
          `The file is larger than the limit of ${this.limits.fileMaxBytes} bytes`,
        ),
      ),
    );
    stream.once('end', () => {
      if (this.failure) return;
      if (!checked) check();
      if (!this.failure) file.end();
    });
  }

  private push(part: FormPart): void {
    if (this.failure) return;
    this.queue.push({ part });
    this.deliver();
  }

  private fail(error: HttpException): void {
    if (this.failure) return;
    this.failure = error;
    this.req.unpipe(this.form);
    // The rest of a body no longer than the form may be is read and dropped, so that the client,
    // which may still be sending it, reads the answer on an open connection (closing a socket
    // with unread data resets it, and the answer is lost); a chunked one, of unknown length, is
    // cut instead.
    const declared = Number(this.req.headers['content-length']);
    const drainable = declared <= multipartBodyLimit(this.limits.fileMaxBytes, this.limits);
    if (this.res && !this.res.headersSent && !this.req.complete && !drainable) {
      this.res.setHeader('Connection', 'close');
    }
    this.req.resume();
    this.file?.destroy(error);
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

/** The client that went away: nobody reads this answer, but its work stops with it. */
const clientLeft = () => new BadRequestException('The request ended before its form was complete');

function boundaryProblem(error: unknown): string {
  const message = (error as Error).message ?? '';
  return /boundary/i.test(message)
    ? 'its Content-Type has no boundary (multipart/form-data; boundary=…)'
    : message;
}

/** busboy's words for what is wrong with a form, for the client. */
function formProblem(error: Error): string {
  if (/Unexpected end of form/i.test(error.message)) {
    return 'The multipart body ended before its closing boundary';
  }
  if (/Malformed part header/i.test(error.message))
    return 'A part of the multipart body has a malformed header';
  return `The multipart body is malformed: ${error.message}`;
}
