import { NestFactory } from '@nestjs/core';
import { resolve } from 'node:path';
import { AppModule } from './app.module';
import { checkConfiguration } from './config-check.command';
import { writePublishedSchema } from './config-schema.command';

/**
 * `npm run config:check -- [directory]` (default `config`): checks a configuration directory
 * and lists every problem, exiting with 1, or says in one line what it serves.
 *
 * `npm run config:schema` (`--write-schema <file>`): writes the configuration's JSON Schema as
 * the registered source types make it, to `docs/config.schema.json`.
 */
async function main(): Promise<void> {
  const [first = 'config', second] = process.argv.slice(2);
  // npm runs scripts from the workspace root; a directory to check is the caller's.
  const workingDirectory = process.env['INIT_CWD'] ?? process.cwd();
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    if (first === '--write-schema') {
      if (second === undefined) throw new Error('--write-schema needs the file to write');
      // The script names the workspace's own file (docs/config.schema.json).
      console.log(await writePublishedSchema(app, resolve(second)));
      return;
    }
    const { ok, lines } = await checkConfiguration(app, first, workingDirectory);
    (ok ? console.log : console.error)(lines.join('\n'));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

void main();
