import { failureOf } from './failure-of';

describe('failureOf', () => {
  it('resolves with what the promise rejected with', async () => {
    const error = Object.assign(new Error('refused'), { status: 503 });
    await expect(failureOf<typeof error>(Promise.reject(error))).resolves.toBe(error);
  });

  it('rejects when the promise resolves', async () => {
    await expect(failureOf(Promise.resolve('fine'))).rejects.toThrow('expected a failure');
  });
});
