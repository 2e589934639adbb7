import nx from '@nx/eslint-plugin';

/** The services of the workspace, each a `scope:` tag of its app and libraries. */
const SERVICE_SCOPES = [
  'orchestrator',
  'text-service',
  'transcription-service',
  'demo-catalog',
  'model-service',
  'feature-server',
  'credit-bureau',
];

// Libraries only reach down the layers and never into another service's code. Tags live in
// each project.json.
const depConstraints = [
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:core'] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:composite', 'type:feature', 'type:backend', 'type:core'],
  },
  {
    sourceTag: 'type:composite',
    onlyDependOnLibsWithTags: ['type:feature', 'type:backend', 'type:core'],
  },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:backend', 'type:core'] },
  { sourceTag: 'type:backend', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
  // Each service's code stays its own: it may use its scope and the shared libraries only.
  ...SERVICE_SCOPES.map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
  })),
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

/**
 * Specs, their harnesses and the end-to-end tests may also use the reference servers of the protocols the
 * orchestrator speaks (tag `role:reference-server`: the feature server, the model server), so
 * that a client is proven against a real server; production code still may not import them.
 */
const TESTED_AGAINST_REFERENCE_SERVERS = ['type:backend', 'type:e2e', 'scope:orchestrator'];
const specDepConstraints = depConstraints.map((constraint) =>
  TESTED_AGAINST_REFERENCE_SERVERS.includes(constraint.sourceTag)
    ? {
        ...constraint,
        onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'role:reference-server'],
      }
    : constraint,
);

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
      '@nx/enforce-module-boundaries': moduleBoundaries(depConstraints),
    },
  },
  {
    // The end-to-end project is test code throughout, its support files included.
    files: ['**/*.spec.ts', '**/*.test-harness.ts', 'apps/orchestrator-e2e/src/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(specDepConstraints) },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
