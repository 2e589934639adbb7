import { endianness } from 'node:os';
import type { Tensor } from 'onnxruntime-node';

// The binary tensor data extension is little-endian, and typed arrays hold their elements in the
// machine's order: the copies below are exact only on a little-endian machine (every one Node
// supports today), so anything else refuses to load rather than answer wrong numbers.
if (endianness() !== 'LE') throw new Error('the binary tensor data extension needs a little-endian machine');

type TypedArrayConstructor = {
  new (length: number): ArrayBufferView & { readonly length: number };
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * The typed array of each fixed-size datatype, by onnxruntime name: its elements are the
 * extension's, byte for byte (BOOL one byte 0 or 1, FP16 its 16 bits, as onnxruntime keeps it).
 */
const TYPED_ARRAYS: Partial<Record<Tensor.Type, TypedArrayConstructor>> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** A BYTES element's length prefix: a 4-byte unsigned little-endian integer. */
const LENGTH_PREFIX_BYTES = 4;

/** BYTES elements become onnxruntime strings, so they must be UTF-8; `fatal` refuses any other. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** onnxruntime-node passes strings as C strings: one with a NUL would be cut short there, silently. */
export const NUL_PROBLEM = 'holds a NUL byte, which onnxruntime strings cannot';

/** The bytes that `count` elements of `type` take, or undefined for BYTES, whose elements vary. */
export function binarySize(type: Tensor.Type, count: number): number | undefined {
  const array = TYPED_ARRAYS[type];
  return array && array.BYTES_PER_ELEMENT * count;
}

/**
 * The data of a tensor of `type` with `count` elements, from its bytes in the binary tensor data
 * extension, or why those bytes are not such a tensor.
 */
export function tensorDataFromBinary(
  type: Tensor.Type,
  bytes: Uint8Array,
  count: number,
): { data: Tensor.DataType } | { problem: string } {
  if (type === 'string') return stringsFromBinary(bytes, count);
  const expected = binarySize(type, count);
  const array = TYPED_ARRAYS[type];
  if (!array || expected === undefined) return { problem: `its datatype ${type} has no binary form here` };
  if (bytes.length !== expected) {
    return { problem: `its binary data is ${bytes.length} bytes, but ${count} elements take ${expected}` };
  }
  // A copy, not a view: the bytes sit at any offset of the body, and a view must be aligned.
  const data = new array(count);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  if (type === 'bool') {
    const position = bytes.findIndex((byte) => byte > 1);
    if (position >= 0)
      return { problem: `element ${position} is ${bytes[position]}, not 0 or 1 (false or true)` };
  }
  return { data: data as Tensor.DataType };
}

function stringsFromBinary(bytes: Uint8Array, count: number): { data: string[] } | { problem: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const strings: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + LENGTH_PREFIX_BYTES > bytes.length) {
      return { problem: `the length prefix of element ${strings.length} is cut short` };
    }
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX_BYTES;
    if (offset + length > bytes.length) {
      return {
        problem: `element ${strings.length} is ${length} bytes long, past the end of the binary data`,
      };
    }
    const element = bytes.subarray(offset, offset + length);
    if (element.includes(0)) return { problem: `element ${strings.length} ${NUL_PROBLEM}` };
    try {
      strings.push(utf8.decode(element));
    } catch {
      return { problem: `element ${strings.length} is not UTF-8 text, which this server's BYTES are` };
    }
    offset += length;
  }
  if (strings.length !== count) {
    return { problem: `its binary data holds ${strings.length} elements, but its shape holds ${count}` };
  }
  return { data: strings };
}

/** A tensor's data as the binary tensor data extension sends it. */
export function binaryOf(tensor: Tensor): Buffer {
  if (tensor.type === 'string') {
    return Buffer.concat(
      (tensor.data as string[]).flatMap((element) => {
        const text = Buffer.from(element, 'utf8');
        const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
        prefix.writeUInt32LE(text.length);
        return [prefix, text];
      }),
    );
  }
  const data = tensor.data as ArrayBufferView;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
