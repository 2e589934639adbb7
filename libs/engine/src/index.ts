export * from './model';
export { readPath, referencesIn, resolveReferences, wholeReference, type Reference } from './references';
