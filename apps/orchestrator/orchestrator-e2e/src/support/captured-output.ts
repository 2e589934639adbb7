/** What the harness leaves on the test file's global for E2eEnvironment: the output of every app it started. */
export interface CapturedOutput {
  name: string;
  output(): string;
}

export const CAPTURED_OUTPUTS = '__e2eCapturedOutputs';
