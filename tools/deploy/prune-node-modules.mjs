#!/usr/bin/env node
// Removes from an installed production node_modules what no app loads at run time:
//
//   node tools/deploy/prune-node-modules.mjs <node_modules-dir>
//
// - onnxruntime-node ships its native runtime for every OS and CPU (~250 MB); only this
//   platform's (process.platform/process.arch, i.e. the image's) is loaded;
// - better-sqlite3 keeps the SQLite sources and, when compiled, the object files; only
//   build/Release/better_sqlite3.node is loaded;
// - TypeScript declarations and source maps anywhere (nothing here runs with source maps).
// tools/deploy/image-sizes.mjs counts files through the same isPruned(), so the sizes it reports
// are those of the pruned tree.
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENERIC = /(\.d\.[cm]?ts|\.map)$/;

/**
 * Whether `relative` (a path inside package `name`, '/'-separated, a file or a directory) is
 * removed. Directories are tested before their contents: a pruned directory is not walked.
 */
export function isPruned(name, relative, { platform = process.platform, arch = process.arch } = {}) {
  if (name === 'onnxruntime-node') {
    // bin/napi-v6/<platform>/<arch>/…
    const [bin, , os, cpu] = relative.split('/');
    if (bin === 'bin' && os !== undefined && (os !== platform || (cpu !== undefined && cpu !== arch))) {
      return true;
    }
  }
  if (name === 'better-sqlite3') {
    if (relative === 'deps' || relative === 'src') return true;
    if (relative.startsWith('build/') && !/^build\/Release(\/better_sqlite3\.node)?$/.test(relative)) {
      return true;
    }
  }
  return GENERIC.test(relative);
}

/** The lockfile-style package directories under a node_modules directory, nested ones included. */
export function installedPackages(nodeModules, prefix = 'node_modules') {
  const found = [];
  for (const entry of safeReaddir(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? safeReaddir(join(nodeModules, entry)).map((inner) => `${entry}/${inner}`)
      : [entry];
    for (const name of names) {
      const dir = join(nodeModules, name);
      if (!lstatSync(dir).isDirectory()) continue;
      found.push({ name, path: `${prefix}/${name}`, dir });
      found.push(...installedPackages(join(dir, 'node_modules'), `${prefix}/${name}/node_modules`));
    }
  }
  return found;
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Walks the files of one package directory (its own node_modules excluded: nested packages are
 * packages of their own), calling onFile(relative, stat) for each file kept and onPruned(relative)
 * for each file or directory pruned.
 */
export function walkPackage(name, dir, { onFile, onPruned } = {}, relative = '') {
  for (const entry of readdirSync(dir)) {
    const rel = relative ? `${relative}/${entry}` : entry;
    if (rel === 'node_modules') continue;
    const full = join(dir, entry);
    if (isPruned(name, rel)) {
      onPruned?.(rel, full);
      continue;
    }
    const stat = lstatSync(full);
    if (stat.isDirectory()) walkPackage(name, full, { onFile, onPruned }, rel);
    else onFile?.(rel, stat);
  }
}

function main([dir]) {
  if (!dir) {
    process.stderr.write('usage: node tools/deploy/prune-node-modules.mjs <node_modules-dir>\n');
    process.exit(2);
  }
  let removed = 0;
  for (const { name, dir: packageDir } of installedPackages(resolve(dir))) {
    walkPackage(name, packageDir, {
      onPruned: (_relative, full) => {
        removed += 1;
        rmSync(full, { recursive: true, force: true });
      },
    });
  }
  process.stderr.write(`pruned ${removed} files and directories from ${dir}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1]))
  main(process.argv.slice(2));
