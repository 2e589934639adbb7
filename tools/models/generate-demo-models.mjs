// Writes the demo ONNX models, from the coefficients in models/demo-models.json, to
// <models-dir>/<name>/<version>/model.onnx, so that no binary model lives in git:
// `node tools/models/generate-demo-models.mjs models`.
// Each model is sigmoid(((x - mean) / scale) · weights + bias), as models/README.md explains.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

// onnx-proto is CommonJS; its namespace is the `onnx` export.
const { onnx } = createRequire(import.meta.url)('onnx-proto');

const IR_VERSION = 8;
const OPSET = 13;
const BATCH = 'batch';

const floatTensor = (name, dims, values) =>
  onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });

const floatValueInfo = (name, width) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: BATCH }, { dimValue: width }] },
      },
    },
  });

const node = (opType, inputs, output) =>
  onnx.NodeProto.create({
    opType,
    input: inputs,
    output: [output],
    name: `${opType.toLowerCase()}_${output}`,
  });

function checkCoefficients(name, model) {
  const width = model.features.length;
  const outputs = model.bias.length;
  const problems = [
    model.mean.length !== width && `mean has ${model.mean.length} values for ${width} features`,
    model.scale.length !== width && `scale has ${model.scale.length} values for ${width} features`,
    model.scale.some((value) => value === 0) && 'a scale is 0',
    model.weights.length !== width && `weights has ${model.weights.length} rows for ${width} features`,
    model.weights.some((row) => row.length !== outputs) && `a weights row has not ${outputs} columns`,
    model.products &&
      model.products.length !== outputs &&
      `${model.products.length} products for ${outputs} outputs`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
}

function modelProto(name, model) {
  checkCoefficients(name, model);
  const width = model.features.length;
  const outputs = model.bias.length;
  const graph = onnx.GraphProto.create({
    name,
    docString: model.description,
    input: [floatValueInfo(model.input, width)],
    output: [floatValueInfo(model.output, outputs)],
    initializer: [
      floatTensor('mean', [width], model.mean),
      floatTensor('scale', [width], model.scale),
      floatTensor('weights', [width, outputs], model.weights.flat()),
      floatTensor('bias', [outputs], model.bias),
    ],
    node: [
      node('Sub', [model.input, 'mean'], 'centred'),
      node('Div', ['centred', 'scale'], 'standardised'),
      node('MatMul', ['standardised', 'weights'], 'weighted'),
      node('Add', ['weighted', 'bias'], 'logits'),
      node('Sigmoid', ['logits'], model.output),
    ],
  });
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'orchestrator generate-demo-models',
    modelVersion: model.version,
    docString: model.description,
    graph,
  });
}

const [modelsArgument] = process.argv.slice(2);
if (!modelsArgument) {
  process.stderr.write('usage: node tools/models/generate-demo-models.mjs <models-dir>\n');
  process.exit(2);
}
const modelsDir = resolve(modelsArgument);
const coefficients = fileURLToPath(new URL('../../models/demo-models.json', import.meta.url));
const { models } = JSON.parse(readFileSync(coefficients, 'utf8'));
for (const [name, model] of Object.entries(models)) {
  const directory = join(modelsDir, name, String(model.version));
  mkdirSync(directory, { recursive: true });
  const file = join(directory, 'model.onnx');
  writeFileSync(file, onnx.ModelProto.encode(modelProto(name, model)).finish());
  process.stdout.write(`${file}\n`);
}
