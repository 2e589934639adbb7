let signalled = false;

/**
 * Whether the process has received SIGTERM or SIGINT: known at once, before Nest's shutdown
 * hooks begin, so that readiness turns 503 on the very next probe.
 */
export const shutdownSignalled = (): boolean => signalled;

export function noteShutdownSignal(): void {
  signalled = true;
}
