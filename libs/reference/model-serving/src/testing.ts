// Support for the specs that need the real model-service: the demo models generated into a
// directory, their reference outputs computed from the documented coefficients, and the
// model-serving module served over HTTP.
import { WORKSPACE_ROOT, startFeatureModule, type RunningService } from '@libs/core/testing';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { isInferenceRequest } from './inference-http';

const GENERATOR = join(WORKSPACE_ROOT, 'tools', 'models', 'generate-demo-models.mjs');

/** A model's entry in models/demo-models.json. */
export interface DemoModel {
  version: number;
  input: string;
  output: string;
  features: string[];
  products?: string[];
  mean: number[];
  scale: number[];
  weights: number[][];
  bias: number[];
}

export const demoModels: Record<'credit_risk' | 'product_recommendation', DemoModel> = JSON.parse(
  readFileSync(join(WORKSPACE_ROOT, 'models', 'demo-models.json'), 'utf8'),
).models;

/**
 * A new temporary directory with the demo models, generated as `node
 * tools/models/generate-demo-models.mjs <directory>` does; the spec removes it.
 */
export function generateDemoModels(): string {
  const directory = mkdtempSync(join(tmpdir(), 'demo-models-'));
  execFileSync(process.execPath, [GENERATOR, directory], { stdio: 'pipe' });
  return directory;
}

/**
 * Every datatype this server serves, with the ONNX element type that holds it: the inputs
 * `x_<datatype>` and outputs `y_<datatype>` of the model that `writeDatatypesModel` writes.
 */
export const SERVED_DATATYPES = {
  BOOL: onnx.TensorProto.DataType.BOOL,
  UINT8: onnx.TensorProto.DataType.UINT8,
  UINT16: onnx.TensorProto.DataType.UINT16,
  UINT32: onnx.TensorProto.DataType.UINT32,
  UINT64: onnx.TensorProto.DataType.UINT64,
  INT8: onnx.TensorProto.DataType.INT8,
  INT16: onnx.TensorProto.DataType.INT16,
  INT32: onnx.TensorProto.DataType.INT32,
  INT64: onnx.TensorProto.DataType.INT64,
  FP16: onnx.TensorProto.DataType.FLOAT16,
  FP32: onnx.TensorProto.DataType.FLOAT,
  FP64: onnx.TensorProto.DataType.DOUBLE,
  BYTES: onnx.TensorProto.DataType.STRING,
} as const;

export type ServedDatatype = keyof typeof SERVED_DATATYPES;

/**
 * Writes `<modelsDir>/<name>/1/model.onnx`: one Identity per served datatype, from `x_<datatype>`
 * to `y_<datatype>`, each of shape [-1], so that what the server reads is what it answers.
 */
export function writeDatatypesModel(modelsDir: string, name = 'datatypes'): void {
  const datatypes = Object.entries(SERVED_DATATYPES);
  const valueInfo = (tensor: string, elemType: number) =>
    onnx.ValueInfoProto.create({
      name: tensor,
      type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'n' }] } } },
    });
  const graph = onnx.GraphProto.create({
    name,
    input: datatypes.map(([datatype, elemType]) => valueInfo(`x_${datatype}`, elemType)),
    output: datatypes.map(([datatype, elemType]) => valueInfo(`y_${datatype}`, elemType)),
    node: datatypes.map(([datatype]) =>
      onnx.NodeProto.create({ opType: 'Identity', input: [`x_${datatype}`], output: [`y_${datatype}`] }),
    ),
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph });
  mkdirSync(join(modelsDir, name, '1'), { recursive: true });
  writeFileSync(join(modelsDir, name, '1', 'model.onnx'), onnx.ModelProto.encode(model).finish());
}

/** What a demo model answers for one row of features, computed in float64 from its coefficients. */
export function referenceOutput(model: DemoModel, features: number[]): number[] {
  const standardised = features.map((value, column) => (value - model.mean[column]) / model.scale[column]);
  return model.bias.map((bias, output) => {
    const logit = standardised.reduce(
      (sum, value, column) => sum + value * model.weights[column][output],
      bias,
    );
    return 1 / (1 + Math.exp(-logit));
  });
}

/** The model-serving module over real HTTP, as its app serves it, with the models of `modelsDir`. */
export function startModelService(
  modelsDir: string,
  env: Record<string, string> = {},
): Promise<RunningService> {
  return startFeatureModule(
    'model-service',
    async () => {
      const { ModelServingModule, modelServingEnvironment } = await import('./index');
      return { module: ModelServingModule, environment: modelServingEnvironment };
    },
    { MODELS_DIR: modelsDir, ...env },
    { readsOwnBody: isInferenceRequest },
  );
}
