import { WORKSPACE_ROOT } from '@libs/core/testing';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configurationSchema, schemaViolations } from './configuration.schema';

const exampleDirectory = join(WORKSPACE_ROOT, 'config');

/** The published schema as an editor uses it: the whole document, for any file of a directory. */
function editorValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(configurationSchema);
}

async function exampleFiles(): Promise<string[]> {
  const nested = await Promise.all(
    ['domains', 'integrations'].map(async (folder) =>
      (await readdir(join(exampleDirectory, folder))).map((name) => `${folder}/${name}`),
    ),
  );
  return ['config.yaml', 'feast.yaml', ...nested.flat()];
}

describe('docs/config.schema.json', () => {
  it('is the schema the loader checks files against', async () => {
    const published = await readFile(join(WORKSPACE_ROOT, 'docs', 'config.schema.json'), 'utf8');

    expect(JSON.parse(published)).toEqual(configurationSchema);
  });

  it('accepts every file of the example configuration, as an editor reads it', async () => {
    const validate = editorValidator();
    const files = await exampleFiles();

    expect(files).toEqual(
      expect.arrayContaining([
        'config.yaml',
        'feast.yaml',
        'domains/catalog.yaml',
        'integrations/catalog.yaml',
      ]),
    );
    for (const file of files) {
      const valid = validate(parse(await readFile(join(exampleDirectory, file), 'utf8')));
      expect({ file, errors: validate.errors ?? [] }).toEqual({ file, errors: [] });
      expect(valid).toBe(true);
    }
  });

  it('rejects what the engine would refuse', () => {
    const validate = editorValidator();

    expect(validate({ endpoints: { get_customer: { data_sources: [{ name: 'profile' }] } } })).toBe(false);
    expect(validate({ endpoints: { get_customer: { data_sources: [], method: 'FETCH' } } })).toBe(false);
    expect(validate({ settings: { request_deadline_ms: '30s' } })).toBe(false);
    expect(validate({ endpoint: {} })).toBe(false);
  });

  it('holds each file to its own part of the schema', () => {
    expect(schemaViolations('configFile', { endpoints: {} })).toEqual([
      {
        path: ['endpoints'],
        key: true,
        message: 'the top level: unknown property "endpoints"; expected one of: settings',
      },
    ]);
    expect(schemaViolations('domainFile', {})).toEqual([
      { path: [], key: false, message: 'the top level: missing required property "endpoints"' },
    ]);
    expect(schemaViolations('databaseFile', { connections: { main: { url: 'x' } } })).toEqual([]);
    expect(schemaViolations('feastFile', { connections: {} })).toEqual([
      {
        path: ['connections'],
        key: true,
        message: 'the top level: unknown property "connections"; expected one of: operations',
      },
    ]);
  });
});
