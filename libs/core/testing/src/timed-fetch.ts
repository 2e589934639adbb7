/** What a request answered and how long it took, body included: for specs of delays and timeouts. */
export interface TimedAnswer {
  status: number;
  ms: number;
}

/** Fetches `url` and reads the whole body, timing both. */
export async function timedFetch(url: string, init?: RequestInit): Promise<TimedAnswer> {
  const started = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}
