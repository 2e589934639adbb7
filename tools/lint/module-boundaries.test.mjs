// node --test tools/lint/module-boundaries.test.mjs
// The module boundaries of eslint.config.mjs, proven on imports that must fail: nothing in the
// product, core, services or reference scopes may import the demo (scope:demo), production
// code may not import the reference servers, and the engine and the health check no backend. Each probe is linted as if it were a file of the
// project named, without being written there.
import { ESLint } from 'eslint';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file, importLine) {
  const [result] = await eslint.lintText(`${importLine}\nexport const probe = imported;\n`, {
    filePath: join(root, file),
  });
  return result.messages.filter(({ ruleId }) => ruleId === '@nx/enforce-module-boundaries');
}

const forbidden = [
  [
    'libs/orchestrator/backends/database/src/probe.ts',
    "import { DEMO_CUSTOMERS as imported } from '@libs/demo/data';",
  ],
  ['libs/orchestrator/engine/src/probe.ts', "import { secretGuard as imported } from '@libs/demo/support';"],
  ['libs/core/http/src/probe.ts', "import { DEMO_MIGRATIONS as imported } from '@libs/demo/data';"],
  [
    'libs/services/transcription/src/probe.ts',
    "import { DemoCatalogModule as imported } from '@libs/demo/catalog';",
  ],
  [
    'libs/reference/feature-serving/src/probe.ts',
    "import { DEMO_CUSTOMERS as imported } from '@libs/demo/data';",
  ],
  [
    'apps/orchestrator/orchestrator/src/probe.ts',
    "import { DemoCreditBureauModule as imported } from '@libs/demo/credit-bureau';",
  ],
  [
    'libs/orchestrator/backends/model/src/probe.ts',
    "import { ModelServingModule as imported } from '@libs/reference/model-serving';",
  ],
  [
    'libs/orchestrator/engine/src/probe.ts',
    "import { apiSection as imported } from '@libs/orchestrator/backends/api';",
  ],
  [
    'libs/orchestrator/health/src/probe.ts',
    "import { TextHealthIndicator as imported } from '@libs/orchestrator/backends/text';",
  ],
];

for (const [file, importLine] of forbidden) {
  test(`${file} may not: ${importLine}`, async () => {
    const errors = await boundaryErrors(file, importLine);
    assert.equal(errors.length, 1, `expected one boundary error, got ${JSON.stringify(errors)}`);
  });
}

test('specs may seed the demo data and start the reference servers', async () => {
  assert.deepEqual(
    await boundaryErrors(
      'libs/orchestrator/backends/feast/src/probe.spec.ts',
      "import { DEMO_CUSTOMERS as imported } from '@libs/demo/data';\nimport '@libs/reference/feature-serving';",
    ),
    [],
  );
});

test('the specs of the engine and the health check may use the real backends', async () => {
  assert.deepEqual(
    await boundaryErrors(
      'libs/orchestrator/engine/src/probe.spec.ts',
      "import { apiSection as imported } from '@libs/orchestrator/backends/api';",
    ),
    [],
  );
});

test('the demo may use the product and the shared libraries', async () => {
  assert.deepEqual(
    await boundaryErrors(
      'apps/demo/db-seed/src/probe.ts',
      "import { readSection as imported } from '@libs/orchestrator/engine';",
    ),
    [],
  );
});
