#!/usr/bin/env node
// The production dependencies of one built app, so that its image ships only what its bundle
// needs instead of the workspace's whole `dependencies` (onnxruntime-node alone is ~250 MB):
//
//   node tools/deploy/app-dependencies.mjs <app>                 prints the app's package.json
//   node tools/deploy/app-dependencies.mjs <app> --out <dir>     writes <dir>/package.json and a
//                                                                pruned <dir>/package-lock.json
//
// webpack leaves every npm package external (tools/build/webpack.app.js), so the bundle
// dist/apps/<app>/main.js names each package it loads in a `require("…")`. Those, plus the few
// packages that libraries load by name at run time (RUNTIME_LOADED_PEERS), become the app's
// dependencies, at the versions the root lockfile holds. The lockfile written next to them is the
// root one cut down to what those dependencies reach, at the same paths, so `npm ci --omit=dev`
// installs exactly the versions and layout the workspace was tested with.
// Nx's `generatePackageJson` would do the same, but this workspace builds with plain webpack.
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Optional peer dependencies that a package `require`s by name at run time, so the bundle does not
 * show them. Each is added only when the app loads the package on the left and the workspace
 * lists the peer in its `dependencies`. Other optional peers (e.g. @nestjs/terminus's typeorm,
 * mongoose…) are loaded only when the app uses the matching feature, which the bundle would show.
 */
export const RUNTIME_LOADED_PEERS = {
  // NestFactory.create() loads the default HTTP adapter by name.
  '@nestjs/core': ['@nestjs/platform-express'],
  // ValidationPipe and ClassSerializerInterceptor load these through loadPackage().
  '@nestjs/common': ['class-validator', 'class-transformer'],
  // A DataSource loads the driver of its `type` (postgres → pg, better-sqlite3) by name.
  typeorm: ['pg', 'better-sqlite3'],
};

const builtins = new Set(builtinModules);

/** The package name of a module request: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageNameOf(request) {
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The npm packages a webpack bundle requires (node built-ins left out), sorted. */
export function bundleRequires(bundlePath) {
  const source = readFileSync(bundlePath, 'utf8');
  const names = new Set();
  for (const [, request] of source.matchAll(/\brequire\(\s*["']([^"'\s]+)["']\s*\)/g)) {
    if (request.startsWith('.') || request.startsWith('/') || request.startsWith('node:')) continue;
    if (builtins.has(request) || builtins.has(request.split('/')[0])) continue;
    names.add(packageNameOf(request));
  }
  return [...names].sort();
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * The app's direct production dependencies: name → exact locked version.
 * Throws when the bundle requires a package that is not a root `dependency` (a devDependency
 * would be missing from the image).
 */
export function appDependencies(app, root = workspaceRoot) {
  const bundle = join(root, 'dist', 'apps', app, 'main.js');
  const pkg = readJson(join(root, 'package.json'));
  const lock = readJson(join(root, 'package-lock.json'));
  const declared = pkg.dependencies ?? {};
  const requires = bundleRequires(bundle);
  const notDeclared = requires.filter((name) => !(name in declared));
  if (notDeclared.length > 0) {
    throw new Error(
      `${bundle} requires ${notDeclared.join(', ')}, not in package.json "dependencies": ` +
        'move them there (devDependencies are not installed in images)',
    );
  }
  const names = new Set(requires);
  for (const [owner, peers] of Object.entries(RUNTIME_LOADED_PEERS)) {
    if (!names.has(owner)) continue;
    for (const peer of peers) if (peer in declared) names.add(peer);
  }
  const dependencies = {};
  for (const name of [...names].sort()) {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry) throw new Error(`package-lock.json has no node_modules/${name}: run npm install`);
    dependencies[name] = entry.version;
  }
  return dependencies;
}

/**
 * Where npm finds `name` for the package installed at `fromPath` (a lockfile key, '' for the
 * root): its own node_modules, then each enclosing node_modules up to the top.
 */
function resolveInLock(packages, fromPath, name) {
  let base = fromPath;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/**
 * The lockfile paths that `dependencies` reach in `lock`, as npm installs them: dependencies,
 * optional dependencies (when the lockfile holds them for this platform) and non-optional peers.
 * Returns path → { optional } where optional means reached only through optional edges.
 */
export function lockClosure(lock, dependencies) {
  const { packages } = lock;
  const reached = new Map();
  const optionalLater = [];
  // Required edges first, so that a package reached both ways counts as required.
  const visit = (startPaths, optional) => {
    const queue = [...startPaths];
    while (queue.length > 0) {
      const path = queue.shift();
      if (reached.has(path)) continue;
      reached.set(path, { optional });
      const entry = packages[path];
      const edges = Object.keys(entry.dependencies ?? {}).map((name) => [name, false]);
      for (const name of Object.keys(entry.peerDependencies ?? {})) {
        if (!entry.peerDependenciesMeta?.[name]?.optional) edges.push([name, false]);
      }
      for (const name of Object.keys(entry.optionalDependencies ?? {})) edges.push([name, true]);
      for (const [name, edgeOptional] of edges) {
        const target = resolveInLock(packages, path, name);
        if (!target) {
          // Off-platform optional binaries are absent from this platform's lockfile.
          if (edgeOptional) continue;
          throw new Error(`package-lock.json: ${path} needs ${name}, which it does not hold`);
        }
        if (edgeOptional && !optional) optionalLater.push(target);
        else queue.push(target);
      }
    }
  };
  visit(
    Object.keys(dependencies).map((name) => `node_modules/${name}`),
    false,
  );
  visit(optionalLater, true);
  return reached;
}

/** package.json and package-lock.json of the app, from the root lockfile. */
export function appManifests(app, root = workspaceRoot) {
  const rootPkg = readJson(join(root, 'package.json'));
  const lock = readJson(join(root, 'package-lock.json'));
  const dependencies = appDependencies(app, root);
  const pkg = {
    name: app,
    version: rootPkg.version,
    private: true,
    description: `Production dependencies of ${app}, generated by tools/deploy/app-dependencies.mjs`,
    license: rootPkg.license,
    engines: rootPkg.engines,
    dependencies,
  };
  // npm 11's install-script allow-list, for the packages this app keeps.
  if (rootPkg.allowScripts) {
    const allowScripts = Object.fromEntries(
      Object.entries(rootPkg.allowScripts).filter(([name]) => name in dependencies),
    );
    if (Object.keys(allowScripts).length > 0) pkg.allowScripts = allowScripts;
  }
  const packages = {
    '': { name: app, version: rootPkg.version, license: rootPkg.license, dependencies },
  };
  for (const [path, { optional }] of [...lockClosure(lock, dependencies)].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    // The root lockfile's dev/peer flags describe the workspace; here every package is
    // production, optional only when reached through optional edges alone.
    const entry = { ...lock.packages[path] };
    for (const flag of ['dev', 'devOptional', 'peer', 'optional']) delete entry[flag];
    packages[path] = optional ? { ...entry, optional: true } : entry;
  }
  return {
    pkg,
    lock: {
      name: app,
      version: rootPkg.version,
      lockfileVersion: lock.lockfileVersion,
      requires: true,
      packages,
    },
  };
}

function main(argv) {
  const [app, flag, out] = argv;
  if (!app || (flag && (flag !== '--out' || !out))) {
    process.stderr.write('usage: node tools/deploy/app-dependencies.mjs <app> [--out <dir>]\n');
    process.exit(2);
  }
  const { pkg, lock } = appManifests(app);
  if (!out) {
    process.stdout.write(`${JSON.stringify(pkg, null, 2)}\n`);
    return;
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(out, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  process.stderr.write(
    `${app}: ${Object.keys(pkg.dependencies).length} dependencies, ` +
      `${Object.keys(lock.packages).length - 1} packages in ${out}/package-lock.json\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
