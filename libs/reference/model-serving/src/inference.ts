import { BadRequestException } from '@nestjs/common';
import { Tensor } from 'onnxruntime-node';
import type { InferenceBody } from './inference-http';
import type { LoadedModel, TensorMetadata } from './model-repository';
import { binaryOf, binarySize, tensorDataFromBinary } from './oip-binary';
import { elementProblem, hasJsonForm, jsonData, tensorData } from './oip-datatypes';

/** An output as the response gives it: its `data` in JSON, or its size in the binary part. */
export interface InferenceOutput extends TensorMetadata {
  data?: (number | boolean | string)[];
  parameters?: { binary_data_size: number };
}

export interface InferenceResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: InferenceOutput[];
}

/** The response, and the bytes of its binary outputs in their order, to follow its JSON. */
export interface InferenceAnswer {
  response: InferenceResponse;
  binary: Buffer[];
}

type Body = Record<string, unknown>;

const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (message: string) => new BadRequestException(message);

/**
 * The parameters of the protocol's extensions that this server does not offer: a request that
 * needs one is refused, rather than answered as if it had not asked.
 */
const UNSUPPORTED_PARAMETERS: Record<string, string> = {
  shared_memory_region: 'shared memory',
  classification: 'classification results',
};

/** The bytes of the binary inputs, taken in the order of the inputs that declare a size. */
class BinaryInputs {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  take(name: string, size: number): Buffer {
    const left = this.bytes.length - this.offset;
    if (size > left) {
      throw invalid(
        `input ${name} has binary_data_size ${size}, but only ${left} bytes of binary data are left ` +
          `in the body (binary data follows the Inference-Header-Content-Length bytes of JSON)`,
      );
    }
    this.offset += size;
    return this.bytes.subarray(this.offset - size, this.offset);
  }

  /** Bytes that no input declared are a client's mistake, never to be dropped in silence. */
  checkAllTaken(): void {
    const left = this.bytes.length - this.offset;
    if (left > 0) {
      throw invalid(
        `the body has ${left} bytes of binary data beyond the ${this.offset} that the inputs' binary_data_size declare`,
      );
    }
  }
}

/**
 * Runs one Open Inference Protocol request on `model`: `inputs` with `name`, `shape`,
 * `datatype` and flat or nested `data`, or `parameters.binary_data_size` for binary data;
 * optional `id`, `outputs`, and `binary_data` (per output) or `binary_data_output` (all) for
 * binary answers. Anything the model cannot take is a 400 saying what and where, before it runs.
 */
export async function infer(
  model: LoadedModel,
  { request, binary }: InferenceBody,
): Promise<InferenceAnswer> {
  if (!isRecord(request)) throw invalid('the request body must be a JSON object');
  const { id } = request;
  if (id !== undefined && typeof id !== 'string') throw invalid('id must be a string');
  const parameters = parametersOf('the request', request);
  const binaryOutput = booleanParameter('the request', parameters, 'binary_data_output') ?? false;
  const binaryInputs = new BinaryInputs(binary);
  const feeds = inputTensors(model, request['inputs'], binaryInputs);
  binaryInputs.checkAllTaken();
  const wanted = requestedOutputs(model, request['outputs'], binaryOutput);
  const results = await model.session.run(
    feeds,
    wanted.map((output) => output.name),
  );
  const answer: InferenceAnswer = {
    response: {
      model_name: model.name,
      model_version: model.version,
      ...(id === undefined ? {} : { id }),
      outputs: [],
    },
    binary: [],
  };
  for (const { name, datatype, binary: inBinary } of wanted) {
    const tensor = results[name] as Tensor;
    const shape = [...tensor.dims];
    if (inBinary) {
      const bytes = binaryOf(tensor);
      answer.response.outputs.push({ name, datatype, shape, parameters: { binary_data_size: bytes.length } });
      answer.binary.push(bytes);
    } else {
      answer.response.outputs.push({ name, datatype, shape, data: jsonData(tensor) });
    }
  }
  return answer;
}

function parametersOf(where: string, tensor: Body): Body {
  const { parameters } = tensor;
  if (parameters === undefined) return {};
  if (!isRecord(parameters)) throw invalid(`the parameters of ${where} must be an object`);
  const unsupported = Object.keys(parameters).find((key) => key in UNSUPPORTED_PARAMETERS);
  if (unsupported) {
    throw invalid(
      `${where} asks for ${UNSUPPORTED_PARAMETERS[unsupported]} (${unsupported}), which this server does not offer`,
    );
  }
  return parameters;
}

function booleanParameter(where: string, parameters: Body, key: string): boolean | undefined {
  const value = parameters[key];
  if (value !== undefined && typeof value !== 'boolean')
    throw invalid(`${key} of ${where} must be a boolean`);
  return value;
}

function inputTensors(model: LoadedModel, inputs: unknown, binary: BinaryInputs): Record<string, Tensor> {
  if (!Array.isArray(inputs) || inputs.length === 0) throw invalid('inputs must be a non-empty array');
  const feeds: Record<string, Tensor> = {};
  for (const [index, input] of inputs.entries()) {
    if (!isRecord(input) || typeof input['name'] !== 'string') {
      throw invalid(`inputs[${index}] must be an object with a name`);
    }
    const expected = model.metadata.inputs.find((candidate) => candidate.name === input['name']);
    if (!expected) {
      throw invalid(
        `model ${model.name} has no input ${input['name']}; its inputs are ${namesOf(model.metadata.inputs)}`,
      );
    }
    if (feeds[expected.name]) throw invalid(`input ${expected.name} is given twice`);
    feeds[expected.name] = inputTensor(model, expected, input, binary);
  }
  const missing = model.metadata.inputs.filter((expected) => !feeds[expected.name]);
  if (missing.length > 0) throw invalid(`model ${model.name} needs input ${namesOf(missing)}`);
  return feeds;
}

function inputTensor(
  model: LoadedModel,
  expected: TensorMetadata,
  input: Body,
  binary: BinaryInputs,
): Tensor {
  const { name } = expected;
  if (input['datatype'] !== expected.datatype) {
    throw invalid(
      `input ${name} has datatype ${String(input['datatype'])}, but the model takes ${expected.datatype}`,
    );
  }
  const shape = input['shape'];
  if (!Array.isArray(shape) || !shape.every((dimension) => Number.isInteger(dimension) && dimension >= 0)) {
    throw invalid(`input ${name} needs a shape: an array of non-negative integers`);
  }
  if (!shapeFits(shape, expected.shape)) {
    throw invalid(
      `input ${name} has shape [${shape.join(', ')}], but the model takes [${expected.shape.join(', ')}]`,
    );
  }
  const count = shape.reduce((product: number, dimension: number) => product * dimension, 1);
  const type = model.inputTypes.get(name) as Tensor.Type;
  const size = parametersOf(`input ${name}`, input)['binary_data_size'];
  const data =
    size === undefined
      ? jsonInputData(expected, type, input['data'], shape, count)
      : binaryInputData(expected, type, input, size, shape, count, binary);
  return new Tensor(type, data, shape);
}

function jsonInputData(
  { name, datatype }: TensorMetadata,
  type: Tensor.Type,
  data: unknown,
  shape: number[],
  count: number,
): Tensor.DataType {
  if (!hasJsonForm(datatype)) {
    throw invalid(
      `input ${name} is ${datatype}, which JSON cannot carry: send it as binary data (binary_data_size)`,
    );
  }
  if (!Array.isArray(data))
    throw invalid(`input ${name} needs data: an array, or binary data (binary_data_size)`);
  const elements = data.flat(Infinity);
  if (elements.length !== count) {
    throw invalid(
      `input ${name} has ${elements.length} elements, but its shape [${shape.join(', ')}] holds ${count}`,
    );
  }
  for (const [position, element] of elements.entries()) {
    const problem = elementProblem(type, element);
    if (problem)
      throw invalid(`input ${name}: element ${position} (${JSON.stringify(element)}) is ${problem}`);
  }
  return tensorData(type, elements);
}

function binaryInputData(
  { name, datatype }: TensorMetadata,
  type: Tensor.Type,
  input: Body,
  size: unknown,
  shape: number[],
  count: number,
  binary: BinaryInputs,
): Tensor.DataType {
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    throw invalid(`input ${name}: binary_data_size must be a byte count, not ${JSON.stringify(size)}`);
  }
  if (input['data'] !== undefined) throw invalid(`input ${name} has both data and binary_data_size`);
  const expected = binarySize(type, count);
  if (expected !== undefined && size !== expected) {
    throw invalid(
      `input ${name} has binary_data_size ${size}, but ${count} ${datatype} elements (shape [${shape.join(', ')}]) take ${expected} bytes`,
    );
  }
  const decoded = tensorDataFromBinary(type, binary.take(name, size as number), count);
  if ('problem' in decoded) throw invalid(`input ${name}: ${decoded.problem}`);
  return decoded.data;
}

interface RequestedOutput extends TensorMetadata {
  binary: boolean;
}

function requestedOutputs(model: LoadedModel, outputs: unknown, binaryOutput: boolean): RequestedOutput[] {
  const all = model.metadata.outputs;
  if (outputs === undefined) return all.map((output) => checkedOutput(output, binaryOutput));
  if (!Array.isArray(outputs)) throw invalid('outputs must be an array');
  const names = new Set<string>();
  return outputs.map((output, index) => {
    const name = isRecord(output) ? output['name'] : undefined;
    if (typeof name !== 'string') throw invalid(`outputs[${index}] must be an object with a name`);
    const metadata = all.find((candidate) => candidate.name === name);
    if (!metadata) {
      throw invalid(`model ${model.name} has no output ${name}; its outputs are ${namesOf(all)}`);
    }
    if (names.has(name)) throw invalid(`output ${name} is asked for twice`);
    names.add(name);
    const binary = booleanParameter(
      `output ${name}`,
      parametersOf(`output ${name}`, output as Body),
      'binary_data',
    );
    return checkedOutput(metadata, binary ?? binaryOutput);
  });
}

function checkedOutput(metadata: TensorMetadata, binary: boolean): RequestedOutput {
  if (!binary && !hasJsonForm(metadata.datatype)) {
    throw invalid(
      `output ${metadata.name} is ${metadata.datatype}, which JSON cannot carry: ask for it as binary data (binary_data or binary_data_output)`,
    );
  }
  return { ...metadata, binary };
}

const shapeFits = (shape: number[], expected: number[]) =>
  shape.length === expected.length &&
  expected.every((dimension, index) => dimension === -1 || dimension === shape[index]);

const namesOf = (tensors: TensorMetadata[]) => tensors.map((tensor) => tensor.name).join(', ');
