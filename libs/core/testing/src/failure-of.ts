/**
 * What `promise` rejects with, for a spec to inspect; rejects itself if `promise` resolves.
 * `E` is the error type the spec expects (it is not checked).
 */
export async function failureOf<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure, but the promise resolved');
}
