// Support for the specs that need the real model-service: the demo models generated into a
// directory, their reference outputs computed from the documented coefficients, and the
// model-serving module served over HTTP.
import { WORKSPACE_ROOT, startFeatureModule, type RunningService } from '@libs/core/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** The model-serving module over real HTTP, serving the models of `modelsDir`. */
export function startModelService(modelsDir: string): Promise<RunningService> {
  return startFeatureModule(
    'model-service',
    async () => {
      const { ModelServingModule, modelServingEnvironment } = await import('./index');
      return { module: ModelServingModule, environment: modelServingEnvironment };
    },
    { MODELS_DIR: modelsDir },
  );
}
