import { perConfiguration } from './per-configuration';
import type { ConfigurationSections } from './source-adapter';

describe('perConfiguration', () => {
  const sectionsOf = (): ConfigurationSections => ({ settings: {}, compiled: {} });

  it('resolves each key once per configuration, and again for the next one', () => {
    const resolved: string[] = [];
    const find = perConfiguration((key: string | undefined) => {
      resolved.push(String(key));
      return { key };
    });
    const first = sectionsOf();
    const second = sectionsOf();

    expect(find('a', first)).toBe(find('a', first));
    find(undefined, first);
    find(undefined, first);
    find('a', second);
    expect(resolved).toEqual(['a', 'undefined', 'a']);
  });
});
