import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './apps';

const run = promisify(execFile);

/** The demo database migrated and seeded by the built db-seed step, as `npm start` does it. */
export async function seedDemoDatabase(databaseUrl: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(WORKSPACE_ROOT, 'dist/apps/db-seed/main.js')], {
    cwd: WORKSPACE_ROOT,
    env: { PATH: process.env['PATH'], CONFIG_DIR: join(WORKSPACE_ROOT, 'config'), DATABASE_URL: databaseUrl },
  });
  return stdout.trim();
}

/** The demo ONNX models, generated from their coefficients by the repository's script. */
export async function generateDemoModels(directory: string): Promise<void> {
  await run(process.execPath, [join(WORKSPACE_ROOT, 'tools/models/generate-demo-models.mjs'), directory], {
    cwd: WORKSPACE_ROOT,
  });
}

interface LogisticModel {
  mean: number[];
  scale: number[];
  weights: number[][];
  bias: number[];
  products?: string[];
}

const demoModels = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'models/demo-models.json'), 'utf8')) as {
  models: Record<'credit_risk' | 'product_recommendation', LogisticModel>;
};

/** sigmoid(((x - mean) / scale) · weights + bias), the models' documented formula, in float64. */
export function referenceScores(model: keyof typeof demoModels.models, features: number[]): number[] {
  const { mean, scale, weights, bias } = demoModels.models[model];
  const standardised = features.map((value, i) => (value - mean[i]) / scale[i]);
  return bias.map((b, column) => {
    const logit = standardised.reduce((sum, value, row) => sum + value * weights[row][column], b);
    return 1 / (1 + Math.exp(-logit));
  });
}

/** The products the recommendation model scores, in the order of its outputs. */
export const RECOMMENDED_PRODUCTS = demoModels.models.product_recommendation.products ?? [];
