import type { ConfigurationSections } from './source-adapter';

/**
 * `resolve` computed once per key and configuration: a configuration's sections are replaced
 * whole by a reload and never changed, so what an adapter derives from them (an operation
 * found, its definition parsed) holds until the next configuration, and is not redone per call.
 */
export function perConfiguration<K, T>(
  resolve: (key: K, sections: ConfigurationSections) => T,
): (key: K, sections: ConfigurationSections) => T {
  const bySections = new WeakMap<ConfigurationSections, Map<K, T>>();
  return (key, sections) => {
    let known = bySections.get(sections);
    if (!known) {
      known = new Map();
      bySections.set(sections, known);
    }
    if (!known.has(key)) known.set(key, resolve(key, sections));
    return known.get(key) as T;
  };
}
