import { DownstreamError } from '@libs/core/http';
import type {
  ModelReference,
  OipInferenceInput,
  OipInferenceResponse,
  OipModelMetadata,
  OipTensorMetadata,
} from './model.dto';

type Element = number | boolean | string;

const INTEGER_DATATYPES = new Set(['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
const FLOAT_DATATYPES = new Set(['FP16', 'FP32', 'FP64', 'BF16']);

/** A value the request supplied that no model could take: the caller's fault, 422. */
const unusable = (source: string, message: string) =>
  new DownstreamError(source, 'rejected', `${source}: ${message}`, { downstreamStatus: 422 });

/** A source whose params do not fit the model it names: the configuration and the model disagree, 502. */
const mismatch = (source: string, message: string) =>
  new DownstreamError(source, 'bad-gateway', `${source}: ${message}`);

const shapeText = (shape: number[]) => `[${shape.join(', ')}]`;

/**
 * The inference inputs of a source's params: one param per model input, each a number, an array
 * or nested arrays, converted to the input's datatype and shaped as its metadata says (a value
 * without the leading batch dimension is a batch of one).
 */
export function inferenceInputs(
  source: string,
  model: ModelReference,
  metadata: OipModelMetadata,
  params: Record<string, unknown>,
): OipInferenceInput[] {
  const inputNames = metadata.inputs.map((input) => input.name).join(', ');
  const unknown = Object.keys(params).filter(
    (param) => !metadata.inputs.some((input) => input.name === param),
  );
  if (unknown.length > 0) {
    throw mismatch(
      source,
      `model ${model.name} has no input ${unknown.join(', ')}; its inputs are ${inputNames}`,
    );
  }
  const missing = metadata.inputs.filter((input) => !(input.name in params)).map((input) => input.name);
  if (missing.length > 0) throw mismatch(source, `model ${model.name} needs the param ${missing.join(', ')}`);
  return metadata.inputs.map((input) => inferenceInput(source, model, input, params[input.name]));
}

function inferenceInput(
  source: string,
  model: ModelReference,
  input: OipTensorMetadata,
  value: unknown,
): OipInferenceInput {
  const elements: { value: unknown; position: string }[] = [];
  const valueShape = shapeOf(source, value, `input ${input.name}`, elements);
  const shape = valueShape.length === input.shape.length - 1 ? [1, ...valueShape] : valueShape;
  const fits =
    shape.length === input.shape.length &&
    input.shape.every((dimension, index) => dimension === -1 || dimension === shape[index]);
  if (!fits) {
    throw mismatch(
      source,
      `param ${input.name} has shape ${shapeText(valueShape)}, but model ${model.name} takes ${shapeText(input.shape)}`,
    );
  }
  const convert = converterFor(source, model, input);
  return {
    name: input.name,
    datatype: input.datatype,
    shape,
    data: elements.map(({ value: element, position }) => convert(element, position)),
  };
}

/** The shape of a number or of (nested) arrays, collecting its elements with their positions. */
function shapeOf(
  source: string,
  value: unknown,
  position: string,
  elements: { value: unknown; position: string }[],
): number[] {
  if (!Array.isArray(value)) {
    elements.push({ value, position });
    return [];
  }
  const itemShapes = value.map((item, index) => shapeOf(source, item, `${position}[${index}]`, elements));
  const [first = []] = itemShapes;
  if (itemShapes.some((itemShape) => shapeText(itemShape) !== shapeText(first))) {
    throw unusable(source, `${position} is a ragged array: its items differ in shape`);
  }
  return [value.length, ...first];
}

function converterFor(
  source: string,
  model: ModelReference,
  input: OipTensorMetadata,
): (value: unknown, position: string) => Element {
  const refuse = (value: unknown, position: string, wanted: string) =>
    unusable(
      source,
      value === null || value === undefined
        ? `${position} is ${value === null ? 'null' : 'missing'}`
        : `${position} is ${JSON.stringify(value)}, not ${wanted}`,
    );
  const numeric = (value: unknown) =>
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (FLOAT_DATATYPES.has(input.datatype)) {
    return (value, position) => {
      const number = numeric(value);
      if (!Number.isFinite(number)) throw refuse(value, position, 'a number');
      return number;
    };
  }
  if (INTEGER_DATATYPES.has(input.datatype)) {
    const unsigned = input.datatype.startsWith('U');
    return (value, position) => {
      const number = numeric(value);
      if (!Number.isInteger(number) || (unsigned && number < 0)) {
        throw refuse(value, position, unsigned ? 'a non-negative integer' : 'an integer');
      }
      return number;
    };
  }
  if (input.datatype === 'BOOL') {
    return (value, position) => {
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 1) return value === 1;
      throw refuse(value, position, 'a boolean');
    };
  }
  if (input.datatype === 'BYTES') {
    return (value, position) => {
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw refuse(value, position, 'a string');
    };
  }
  throw mismatch(
    source,
    `model ${model.name} input ${input.name} has the datatype ${input.datatype}, which is not supported`,
  );
}

/**
 * The outputs as JSON, by name: flat data reshaped by its shape, a batch of one without its
 * leading dimension, and a single element as a scalar (`probability_of_default: 0.137`).
 */
export function outputValues(response: OipInferenceResponse): Record<string, unknown> {
  return Object.fromEntries(
    response.outputs.map((output) => {
      const data = output.data.flat(Infinity);
      const shape = output.shape[0] === 1 ? output.shape.slice(1) : output.shape;
      return [output.name, data.length === 1 ? data[0] : reshaped(data, shape)];
    }),
  );
}

function reshaped(data: unknown[], shape: number[]): unknown[] {
  if (shape.length <= 1) return data;
  const [rows, ...inner] = shape;
  const rowSize = data.length / rows;
  return Array.from({ length: rows }, (_row, row) =>
    reshaped(data.slice(row * rowSize, (row + 1) * rowSize), inner),
  );
}
