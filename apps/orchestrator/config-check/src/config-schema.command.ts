import type { INestApplicationContext } from '@nestjs/common';
import { SourceAdapterRegistry, publishedSchemaText } from '@libs/orchestrator/engine';
import { writeFile } from 'node:fs/promises';

/** The published configuration schema of the orchestrator's source types, as it is committed. */
export const publishedSchemaOf = (app: INestApplicationContext): string =>
  publishedSchemaText(app.get(SourceAdapterRegistry).adapters);

/** Writes the published schema to `file`, and says what it wrote. */
export async function writePublishedSchema(app: INestApplicationContext, file: string): Promise<string> {
  await writeFile(file, publishedSchemaOf(app));
  const types = [...app.get(SourceAdapterRegistry).adapters.keys()].sort();
  return `${file}: the configuration schema of source types ${types.join(', ')}`;
}
