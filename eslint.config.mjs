import nx from '@nx/eslint-plugin';

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
  {
    sourceTag: 'scope:orchestrator',
    onlyDependOnLibsWithTags: ['scope:orchestrator', 'scope:shared'],
  },
  {
    sourceTag: 'scope:text-service',
    onlyDependOnLibsWithTags: ['scope:text-service', 'scope:shared'],
  },
  {
    sourceTag: 'scope:transcription-service',
    onlyDependOnLibsWithTags: ['scope:transcription-service', 'scope:shared'],
  },
  {
    sourceTag: 'scope:demo-catalog',
    onlyDependOnLibsWithTags: ['scope:demo-catalog', 'scope:shared'],
  },
  {
    sourceTag: 'scope:model-service',
    onlyDependOnLibsWithTags: ['scope:model-service', 'scope:shared'],
  },
  {
    sourceTag: 'scope:feature-server',
    onlyDependOnLibsWithTags: ['scope:feature-server', 'scope:shared'],
  },
  {
    sourceTag: 'scope:credit-bureau',
    onlyDependOnLibsWithTags: ['scope:credit-bureau', 'scope:shared'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

/**
 * Specs and their harnesses may also start the reference servers of the protocols the
 * orchestrator speaks (tag `role:reference-server`: the feature server, the model server), so
 * that a client is proven against a real server; production code still may not import them.
 */
const specDepConstraints = depConstraints.map((constraint) =>
  constraint.sourceTag === 'type:backend' || constraint.sourceTag === 'scope:orchestrator'
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
    files: ['**/*.spec.ts', '**/*.test-harness.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(specDepConstraints) },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
