import nx from '@nx/eslint-plugin';

/**
 * The product, the internal services and the protocol reference servers: each a `scope:` tag of its
 * app and libraries, whose code stays its own (it may use its scope and the shared libraries only).
 */
const SERVICE_SCOPES = [
  'orchestrator',
  'text-service',
  'transcription-service',
  'model-service',
  'feature-server',
];

// Libraries only reach down the layers and never into another service's code. Tags live in
// each project.json.
const depConstraints = [
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:core'] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:server', 'type:composite', 'type:feature', 'type:backend', 'type:core'],
  },
  // A service's wiring (its module and bootstrap), for its app and for the benchmark's.
  {
    sourceTag: 'type:server',
    onlyDependOnLibsWithTags: ['type:composite', 'type:feature', 'type:backend', 'type:core'],
  },
  {
    sourceTag: 'type:composite',
    onlyDependOnLibsWithTags: ['type:feature', 'type:backend', 'type:core'],
  },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:backend', 'type:core'] },
  { sourceTag: 'type:backend', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
  ...SERVICE_SCOPES.map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
  })),
  // The demo's outside world (apps/demo, libs/demo): its seeding tool reads the product's
  // database.yaml as the orchestrator does. Nothing outside scope:demo may import it (the
  // allow-lists above name no scope:demo).
  { sourceTag: 'scope:demo', onlyDependOnLibsWithTags: ['scope:demo', 'scope:orchestrator', 'scope:shared'] },
  // The benchmark's orchestrator: the product plus the hand-written twins it compares (bench/).
  {
    sourceTag: 'scope:bench',
    onlyDependOnLibsWithTags: ['scope:bench', 'scope:orchestrator', 'scope:shared'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

/**
 * Specs, their harnesses and the end-to-end tests may also use:
 * - the reference servers of the protocols the orchestrator speaks (tag `role:reference-server`: the
 *   feature server, the model server), so that a client is proven against a real server;
 * - the demo shop's data (tag `role:demo-data`) as their fixtures.
 * Production code may import neither.
 */
const TESTED_AGAINST_REFERENCE_SERVERS = ['type:backend', 'type:e2e', 'scope:orchestrator'];
const specDepConstraints = depConstraints.map((constraint) => ({
  ...constraint,
  onlyDependOnLibsWithTags: [
    ...constraint.onlyDependOnLibsWithTags,
    'role:demo-data',
    ...(TESTED_AGAINST_REFERENCE_SERVERS.includes(constraint.sourceTag) ? ['role:reference-server'] : []),
  ],
}));

/**
 * The engine and the health check find the backends at run time (the adapters, sections and
 * health indicators they mark, through Nest's discovery), so their code imports none; their specs
 * may, to load configurations with the real backends' sections.
 */
const backendAgnostic = { sourceTag: 'role:backend-agnostic', notDependOnLibsWithTags: ['type:backend'] };

const moduleBoundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: true, allow: [], depConstraints: constraints },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx'] },
  {
    files: ['**/src/**/*.ts'],
    rules: {
      // Apps are thin shells over libraries (depConstraints above).
      '@nx/enforce-module-boundaries': moduleBoundaries([...depConstraints, backendAgnostic]),
    },
  },
  {
    // The end-to-end project is test code throughout, its support files included.
    files: ['**/*.spec.ts', '**/*.test-harness.ts', 'apps/orchestrator/orchestrator-e2e/src/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(specDepConstraints) },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
