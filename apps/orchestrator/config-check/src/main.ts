import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { checkConfiguration } from './config-check.command';

/**
 * `npm run config:check -- [directory]` (default `config`): checks a configuration directory
 * and lists every problem, exiting with 1, or says in one line what it serves.
 */
async function main(): Promise<void> {
  const [directory = 'config'] = process.argv.slice(2);
  // npm runs scripts from the workspace root; a relative directory is the caller's.
  const workingDirectory = process.env['INIT_CWD'] ?? process.cwd();
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    const { ok, lines } = await checkConfiguration(app, directory, workingDirectory);
    (ok ? console.log : console.error)(lines.join('\n'));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

void main();
