import { Template, readPath, referencesIn, wholeReference } from './references';

/** A template made and resolved at once. */
const resolveReferences = (value: unknown, scope: Record<string, unknown>) =>
  new Template(value).resolve(scope);

const scope = {
  request: { customer_id: 'c-42', limit: 3 },
  profile: {
    name: 'Ada Lovelace',
    addresses: [{ city: 'London' }, { city: 'Paris' }],
    tags: ['vip'],
    score: 0,
  },
};

describe('references', () => {
  it('parses a whole reference with nested keys and array items', () => {
    expect(wholeReference('$profile.addresses[0].city')).toEqual({
      root: 'profile',
      path: ['addresses', 0, 'city'],
      text: '$profile.addresses[0].city',
    });
    expect(wholeReference('$request')).toEqual({ root: 'request', path: [], text: '$request' });
    expect(wholeReference('price in $')).toBeUndefined();
    expect(wholeReference('$profile.')).toBeUndefined();
  });

  it('finds every reference in nested values and embedded strings', () => {
    const found = referencesIn({
      id: '$request.customer_id',
      greeting: 'Hello ${profile.name} from ${profile.addresses[1].city}',
      list: ['$features.ltv', 42, null],
    });
    expect(found.map((ref) => ref.root)).toEqual(['request', 'profile', 'profile', 'features']);
    expect(found[2].path).toEqual(['addresses', 1, 'city']);
  });

  it('keeps the type of a whole reference and turns embedded ones into text', () => {
    expect(
      resolveReferences(
        {
          id: '$request.customer_id',
          limit: '$request.limit',
          city: '$profile.addresses[1].city',
          tags: '$profile.tags',
          score: '$profile.score',
          label: '${profile.name} (${request.customer_id}) lives in ${profile.addresses[0].city}',
          nested: [{ first: '$profile.addresses[0]' }],
          literal: 'no references here',
        },
        scope,
      ),
    ).toEqual({
      id: 'c-42',
      limit: 3,
      city: 'Paris',
      tags: ['vip'],
      score: 0,
      label: 'Ada Lovelace (c-42) lives in London',
      nested: [{ first: { city: 'London' } }],
      literal: 'no references here',
    });
  });

  it('gives undefined for a missing whole reference and empty text for a missing embedded one', () => {
    expect(resolveReferences('$profile.addresses[5].city', scope)).toBeUndefined();
    expect(resolveReferences('$missing.x', scope)).toBeUndefined();
    expect(resolveReferences('City: ${profile.nothing}.', scope)).toBe('City: .');
    expect(readPath(null, ['a'])).toBeUndefined();
  });

  it('maps a missing whole reference to null, never a vanished key, and lists every missing one with where it is', () => {
    const { value, missing } = new Template({
      id: '$profile.customer_id',
      name: '$profile.name',
      cities: ['$profile.addresses[0].city', '$profile.addresses[3].city'],
      label: 'Known as ${profile.nickname}',
    }).resolveMapping(scope);

    expect(value).toEqual({
      id: null,
      name: 'Ada Lovelace',
      cities: ['London', null],
      label: 'Known as ',
    });
    expect(JSON.parse(JSON.stringify(value))).toHaveProperty('id', null);
    expect(missing.map(({ at, reference }) => ({ at, text: reference.text }))).toEqual([
      { at: ['id'], text: '$profile.customer_id' },
      { at: ['cities', 1], text: '$profile.addresses[3].city' },
      { at: ['label'], text: '${profile.nickname}' },
    ]);
  });
});
