import {
  answerAfter,
  endpoint,
  executorOf,
  failAfter,
  FakeAdapter,
  source,
  unavailable,
} from './execution.test-harness';

describe('EndpointExecutor: a mapped value that is missing', () => {
  it('is null in the answer, never a vanished key, and a warning naming the field and the reference', async () => {
    const adapter = new FakeAdapter({ profile: () => answerAfter(5, { id: 'cus-1001', name: 'Ada' }) });
    const { run } = executorOf();

    const outcome = await run(
      endpoint([source('profile')], {
        responseMapping: {
          id: '$profile.customer_id',
          name: '$profile.name',
          contact: { city: '$profile.address.city', label: 'Dear ${profile.title}' },
          tags: ['$profile.tags[0]'],
        },
      }),
      adapter,
    );

    expect(JSON.parse(JSON.stringify(outcome.body))).toEqual({
      id: null,
      name: 'Ada',
      contact: { city: null, label: 'Dear ' },
      tags: [null],
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.warnings).toEqual([
      'id: $profile.customer_id found no value in the result of profile; it is null',
      'contact.city: $profile.address.city found no value in the result of profile; it is null',
      'contact.label: ${profile.title} found no value in the result of profile; empty text stands for it',
      'tags[0]: $profile.tags[0] found no value in the result of profile; it is null',
    ]);
  });

  it('is no warning when its source was skipped or fell back to its default: the execution says so already', async () => {
    const adapter = new FakeAdapter({
      profile: () => answerAfter(5, { id: 'cus-1001', vip: false }),
      credit: () => failAfter(5, unavailable('credit')),
      offers: () => answerAfter(5, { best: 'x' }),
    });
    const { run } = executorOf();

    const outcome = await run(
      endpoint(
        [
          source('profile'),
          source('credit', { optional: true, default: null }),
          source('offers', { when: '$profile.vip', dependsOn: ['profile'], optional: true, default: null }),
        ],
        {
          responseMapping: {
            id: '$profile.id',
            score: '$credit.score',
            offer: '$offers.best',
            optional_param: '$request.nickname',
          },
        },
      ),
      adapter,
    );

    expect(outcome.body).toEqual({ id: 'cus-1001', score: null, offer: null, optional_param: null });
    expect(outcome.degraded).toEqual(['credit']);
    expect(outcome.warnings).toEqual([]);
  });
});
