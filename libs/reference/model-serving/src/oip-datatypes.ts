import type { Tensor } from 'onnxruntime-node';
import { NUL_PROBLEM } from './oip-binary';

/**
 * The Open Inference Protocol datatypes this server serves, by their onnxruntime names. FP16
 * travels only in the binary tensor data extension, as the protocol has it: JSON has no FP16
 * numbers. BF16 is left out: onnxruntime-node cannot hold it (a model that needs it does not load).
 */
const OIP_BY_ORT_TYPE: Partial<Record<Tensor.Type, string>> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

const INTEGER_RANGES: Partial<Record<Tensor.Type, [bigint, bigint]>> = {
  uint8: [0n, 255n],
  uint16: [0n, 65_535n],
  uint32: [0n, 4_294_967_295n],
  uint64: [0n, 18_446_744_073_709_551_615n],
  int8: [-128n, 127n],
  int16: [-32_768n, 32_767n],
  int32: [-2_147_483_648n, 2_147_483_647n],
  int64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
};

export function oipDatatypeOf(type: Tensor.Type): string | undefined {
  return OIP_BY_ORT_TYPE[type];
}

/** Whether JSON can carry elements of an Open Inference Protocol `datatype`: all served but FP16. */
export const hasJsonForm = (datatype: string) => datatype !== 'FP16';

/** Why `value` cannot be an element of a tensor of `type`, or undefined when it can. */
export function elementProblem(type: Tensor.Type, value: unknown): string | undefined {
  if (type === 'bool') return typeof value === 'boolean' ? undefined : 'not a boolean';
  if (type === 'string') {
    if (typeof value !== 'string') return 'not a string';
    return value.includes('\u0000') ? `a string that ${NUL_PROBLEM}` : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'not a finite number';
  const range = INTEGER_RANGES[type];
  if (!range) return undefined;
  if (!Number.isInteger(value)) return 'not an integer';
  const integer = BigInt(value);
  return integer < range[0] || integer > range[1] ? `out of the ${type} range` : undefined;
}

/** Elements already checked with `elementProblem`, as the data of an onnxruntime tensor. */
export function tensorData(type: Tensor.Type, elements: unknown[]): Tensor.DataType {
  switch (type) {
    case 'bool':
      return Uint8Array.from(elements as boolean[], (element) => (element ? 1 : 0));
    case 'string':
      return elements as string[];
    case 'int64':
      return BigInt64Array.from(elements as number[], (element) => BigInt(element));
    case 'uint64':
      return BigUint64Array.from(elements as number[], (element) => BigInt(element));
    default:
      return TYPED_ARRAYS[type].from(elements as number[]);
  }
}

const TYPED_ARRAYS: Record<string, { from(elements: number[]): Tensor.DataType }> = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** A tensor's data as JSON values: numbers (64-bit integers too), booleans or strings. */
export function jsonData(tensor: Tensor): (number | boolean | string)[] {
  if (tensor.type === 'bool') return Array.from(tensor.data as Uint8Array, (element) => element !== 0);
  if (tensor.type === 'string') return [...(tensor.data as string[])];
  return Array.from(tensor.data as ArrayLike<number | bigint>, Number);
}
