import {
  BadRequestException,
  HttpStatus,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import type { InferenceAnswer } from './inference';

/**
 * The binary tensor data extension's header: the length of the JSON that begins the body, the
 * binary tensors following it. Without it the whole body is JSON.
 */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

/** An inference request's body, split: the JSON request, and the bytes of its binary inputs. */
export interface InferenceBody {
  request: unknown;
  binary: Buffer;
}

type Decompress = (input: InputType, options: ZlibOptions) => Promise<Buffer>;

/**
 * The request encodings tritonclient sends (`request_compression_algorithm`): gzip, and deflate
 * in the zlib format, as its `zlib.compress` writes it (HTTP's "deflate").
 */
const DECOMPRESSORS: Record<string, Decompress> = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
};

/**
 * Every POST of the protocol is an inference, whose body is read here as bytes: JSON with any
 * Content-Type or none (tritonclient sends none), or JSON followed by binary tensors.
 */
export function isInferenceRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '').startsWith('/v2/');
}

/**
 * Reads an inference request's body, at most `maxBytes` before and after decompression, and
 * splits it at `Inference-Header-Content-Length`. What is not a body of the protocol is a 4xx.
 */
export async function readInferenceBody(req: IncomingMessage, maxBytes: number): Promise<InferenceBody> {
  const body = await decompress(req, await readBytes(req, maxBytes), maxBytes);
  const jsonLength = headerLength(req, body.length);
  const json = body.subarray(0, jsonLength).toString('utf8');
  try {
    return { request: JSON.parse(json), binary: body.subarray(jsonLength) };
  } catch (error) {
    throw new BadRequestException(`the inference request is not JSON: ${(error as Error).message}`);
  }
}

const tooLarge = (maxBytes: number) =>
  new PayloadTooLargeException(`the request body is larger than ${maxBytes} bytes`);

function readBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (req.readableEnded) {
    // A bug of the app, not of the request: a body parser took the body before its route.
    return Promise.reject(
      new Error('the inference body was read already: serve with readsOwnBody: isInferenceRequest'),
    );
  }
  if (Number(req.headers['content-length']) > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onFailure);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // What is left of the body still flows in, and is dropped, while the 413 is answered.
      if (size > maxBytes) settle(() => reject(tooLarge(maxBytes)));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks, size)));
    const onFailure = () =>
      settle(() => reject(new BadRequestException('the request body ended before its end')));
    req.on('data', onData).on('end', onEnd).on('error', onFailure).on('close', onFailure);
  });
}

async function decompress(req: IncomingMessage, bytes: Buffer, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return bytes;
  const decompressor = DECOMPRESSORS[encoding];
  if (!decompressor) {
    throw new UnsupportedMediaTypeException(
      `Content-Encoding ${encoding} is not supported; send gzip, deflate or none`,
    );
  }
  try {
    return await decompressor(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw new BadRequestException(`the request body is not ${encoding} data: ${(error as Error).message}`);
  }
}

/** Where the JSON ends: at `Inference-Header-Content-Length`, or at the end of the body. */
function headerLength(req: IncomingMessage, bodyLength: number): number {
  const header = req.headers[INFERENCE_HEADER_CONTENT_LENGTH];
  if (header === undefined) return bodyLength;
  if (typeof header !== 'string' || !/^\d+$/.test(header.trim())) {
    throw new BadRequestException(
      `Inference-Header-Content-Length must be a byte count, not ${String(header)}`,
    );
  }
  const length = Number(header);
  if (length > bodyLength) {
    throw new BadRequestException(
      `Inference-Header-Content-Length is ${length}, past the end of the ${bodyLength}-byte body`,
    );
  }
  return length;
}

/**
 * Answers an inference: plain JSON, or, when an output is binary, the JSON followed by the
 * outputs' bytes in their order, its length in `Inference-Header-Content-Length`.
 */
export function sendInferenceAnswer(res: Response, { response, binary }: InferenceAnswer): void {
  res.status(HttpStatus.OK);
  if (binary.length === 0) {
    res.json(response);
    return;
  }
  const json = Buffer.from(JSON.stringify(response), 'utf8');
  res
    // Spelled as Triton spells it (header names are case-insensitive all the same).
    .set({
      'Content-Type': 'application/octet-stream',
      'Inference-Header-Content-Length': String(json.length),
    })
    .send(Buffer.concat([json, ...binary]));
}
