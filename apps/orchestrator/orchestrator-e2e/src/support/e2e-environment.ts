import type { Circus } from '@jest/types';
import NodeEnvironment from 'jest-environment-node';
import { CAPTURED_OUTPUTS, type CapturedOutput } from './captured-output';

/**
 * The node environment, plus: when a test or hook of the file failed, the output of every app
 * the file started (logged at LOG_LEVEL=warn) is printed at the end of the file, once the apps
 * have stopped and all they said has arrived.
 */
export default class E2eEnvironment extends NodeEnvironment {
  private readonly failures: string[] = [];

  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_done' && event.test.errors.length > 0) this.failures.push(event.test.name);
    if (event.name === 'hook_failure') this.failures.push(`${event.hook.type} hook`);
  }

  override async teardown(): Promise<void> {
    if (this.failures.length > 0) {
      const outputs = (this.global[CAPTURED_OUTPUTS] ?? []) as CapturedOutput[];
      for (const { name, output } of outputs) {
        const text = output().trim() || '(nothing)';
        process.stderr.write(`\n--- output of ${name} (failed: ${this.failures.join('; ')}) ---\n${text}\n`);
      }
    }
    await super.teardown();
  }
}
