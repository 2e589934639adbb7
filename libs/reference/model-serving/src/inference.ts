import { BadRequestException } from '@nestjs/common';
import { Tensor } from 'onnxruntime-node';
import type { LoadedModel, TensorMetadata } from './model-repository';
import { elementProblem, jsonData, tensorData } from './oip-datatypes';

export interface InferenceResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: (TensorMetadata & { data: (number | boolean | string)[] })[];
}

type Body = Record<string, unknown>;

const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (message: string) => new BadRequestException(message);

/**
 * Runs one Open Inference Protocol request (`inputs` with `name`, `shape`, `datatype`, flat or
 * nested `data`; optional `id` and `outputs`) on `model`. Anything the model cannot take is a
 * 400 saying what and where, before the model runs.
 */
export async function infer(model: LoadedModel, body: unknown): Promise<InferenceResponse> {
  if (!isRecord(body)) throw invalid('the request body must be a JSON object');
  const { id } = body;
  if (id !== undefined && typeof id !== 'string') throw invalid('id must be a string');
  const feeds = inputTensors(model, body['inputs']);
  const wanted = requestedOutputs(model, body['outputs']);
  const results = await model.session.run(feeds, wanted);
  return {
    model_name: model.name,
    model_version: model.version,
    ...(id === undefined ? {} : { id }),
    outputs: wanted.map((name) => {
      const tensor = results[name] as Tensor;
      const { datatype } = model.metadata.outputs.find((output) => output.name === name) as TensorMetadata;
      return { name, datatype, shape: [...tensor.dims], data: jsonData(tensor) };
    }),
  };
}

function inputTensors(model: LoadedModel, inputs: unknown): Record<string, Tensor> {
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
    feeds[expected.name] = inputTensor(model, expected, input);
  }
  const missing = model.metadata.inputs.filter((expected) => !feeds[expected.name]);
  if (missing.length > 0) throw invalid(`model ${model.name} needs input ${namesOf(missing)}`);
  return feeds;
}

function inputTensor(model: LoadedModel, expected: TensorMetadata, input: Body): Tensor {
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
  if (!Array.isArray(input['data'])) throw invalid(`input ${name} needs data: an array`);
  const elements = (input['data'] as unknown[]).flat(Infinity);
  const count = shape.reduce((product: number, dimension: number) => product * dimension, 1);
  if (elements.length !== count) {
    throw invalid(
      `input ${name} has ${elements.length} elements, but its shape [${shape.join(', ')}] holds ${count}`,
    );
  }
  const type = model.inputTypes.get(name) as Tensor.Type;
  for (const [position, element] of elements.entries()) {
    const problem = elementProblem(type, element);
    if (problem)
      throw invalid(`input ${name}: element ${position} (${JSON.stringify(element)}) is ${problem}`);
  }
  return new Tensor(type, tensorData(type, elements), shape);
}

function requestedOutputs(model: LoadedModel, outputs: unknown): string[] {
  if (outputs === undefined) return model.metadata.outputs.map((output) => output.name);
  if (!Array.isArray(outputs)) throw invalid('outputs must be an array');
  return outputs.map((output, index) => {
    const name = isRecord(output) ? output['name'] : undefined;
    if (typeof name !== 'string') throw invalid(`outputs[${index}] must be an object with a name`);
    if (!model.metadata.outputs.some((candidate) => candidate.name === name)) {
      throw invalid(
        `model ${model.name} has no output ${name}; its outputs are ${namesOf(model.metadata.outputs)}`,
      );
    }
    return name;
  });
}

const shapeFits = (shape: number[], expected: number[]) =>
  shape.length === expected.length &&
  expected.every((dimension, index) => dimension === -1 || dimension === shape[index]);

const namesOf = (tensors: TensorMetadata[]) => tensors.map((tensor) => tensor.name).join(', ');
