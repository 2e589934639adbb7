import type { ConfigurationSection, SourceAdapter } from '@libs/core/sources';
import { createAjv } from '@libs/core/config';
import { adaptersOf, fakeAdapter } from './configuration.test-harness';
import { publishedConfigurationSchema, publishedSchemaText } from './published-schema';

const pipelinesSection: ConfigurationSection = {
  files: { file: 'pipelines.yaml' },
  schema: {
    title: 'Pipelines',
    type: 'object',
    additionalProperties: false,
    properties: {
      url: { type: 'string', pattern: '^https://' },
      steps: {
        type: 'object',
        propertyNames: { pattern: '^[a-z]+$' },
        additionalProperties: { type: 'string' },
      },
    },
  },
  compile: (value) => ({ compiled: value ?? {}, problems: [] }),
};
const queuesSection: ConfigurationSection = {
  files: { folder: 'queues', entries: 'queues', entry: 'queue' },
  schema: {
    type: 'object',
    required: ['queues'],
    additionalProperties: false,
    properties: { queues: { type: 'object', additionalProperties: { type: 'object' } } },
  },
  compile: (value) => ({ compiled: value ?? {}, problems: [] }),
};
const adapters = adaptersOf(
  fakeAdapter('text'),
  fakeAdapter('pipeline', [], pipelinesSection),
  fakeAdapter('queue', [], queuesSection),
);

/**
 * The published schema as an editor reads it: the whole document, for any file of a directory,
 * and not strictly (editors skip what they do not know).
 */
const editorValidator = (registered: ReadonlyMap<string, SourceAdapter>) =>
  createAjv({ strict: false }).compile(publishedConfigurationSchema(registered));

describe('publishedConfigurationSchema', () => {
  it('takes a file of the engine’s or of any registered source type, and nothing else', () => {
    const validate = editorValidator(adapters);

    expect(validate({ settings: { request_deadline_ms: 1000 } })).toBe(true);
    expect(validate({ endpoints: { get: { data_sources: [{ name: 'a', type: 'pipeline' }] } } })).toBe(true);
    expect(validate({ url: 'https://ci', steps: { build: 'make' } })).toBe(true);
    expect(validate({ queues: { orders: {} } })).toBe(true);
    expect(validate({ endpoint: {} })).toBe(false);
    expect(validate({ settings: { request_deadline_ms: '30s' } })).toBe(false);
    expect(validate({ endpoints: { get: { data_sources: [{ name: 'a', type: 'unregistered' }] } } })).toBe(
      false,
    );
  });

  it('lets an editor see ${NAME} where a source type’s file has a pattern, but not in its keys', () => {
    const validate = editorValidator(adapters);

    expect(validate({ url: '${PIPELINES_URL:-https://ci}' })).toBe(true);
    expect(validate({ url: 'http://ci' })).toBe(false);
    expect(validate({ steps: { '${STEP}': 'make' } })).toBe(false);
  });

  it('names each file in its description and definitions, with the engine’s $id', () => {
    const schema = publishedConfigurationSchema(adapters);

    expect(schema['$id']).toBe('urn:orchestrator:config');
    expect(schema['description']).toMatch(
      /^Any file of an Orchestrator configuration directory: config\.yaml \(settings\), domains\/\*\.yaml \(endpoints\), pipelines\.yaml \(pipeline sources\), queues\/\*\.yaml \(queue sources\)\. /,
    );
    expect(schema['anyOf']).toEqual(
      ['configFile', 'domainFile', 'pipelinesFile', 'queuesFile'].map((name) => ({
        $ref: `#/definitions/${name}`,
      })),
    );
    expect(publishedSchemaText(adapters)).toBe(`${JSON.stringify(schema, null, 2)}\n`);
  });

  it('refuses to publish a file that two source types claim, naming both', () => {
    expect(() =>
      publishedConfigurationSchema(
        adaptersOf(fakeAdapter('pipeline', [], pipelinesSection), fakeAdapter('ci', [], pipelinesSection)),
      ),
    ).toThrow('pipelines.yaml is claimed by source type ci and by source type pipeline');
  });
});
