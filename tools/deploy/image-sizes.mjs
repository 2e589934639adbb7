#!/usr/bin/env node
// The size of what each app's image ships on top of the node:20-bookworm-slim base, measured
// without Docker, as a markdown table:
//
//   node tools/deploy/image-sizes.mjs [app...]       (default: every app docker-compose.yml builds)
//
// Per app: its build output (dist/apps/<app>), the production packages its bundle needs (the
// pruned lockfile of tools/deploy/app-dependencies.mjs, measured in this workspace's installed
// node_modules after tools/deploy/prune-node-modules.mjs's rules, as the image has them) and the
// assets its image adds (model-service's generated models). Build the apps first
// (`npx nx run-many -t build`); model-service's models come from
// `node tools/models/generate-demo-models.mjs models`.
// Sizes are apparent file sizes (what the image layer's tar holds); system packages installed by
// apt (transcription-service's ffmpeg and PocketSphinx) are not counted.
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { appDependencies, appManifests, lockClosure, readJson, workspaceRoot } from './app-dependencies.mjs';
import { walkPackage } from './prune-node-modules.mjs';

/** The apps that have an image: each service docker-compose.yml builds names its app in `APP`. */
const IMAGE_APPS = Object.values(
  parse(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'), { merge: true }).services,
)
  .map((service) => service.build?.args?.APP)
  .filter(Boolean);

/** Files an image adds besides the build output and node_modules: app → directory, file filter. */
const ASSETS = {
  'model-service': { dir: 'models', include: (name) => name.endsWith('.onnx'), label: 'demo models' },
};

function treeSize(dir, include = () => true) {
  let bytes = 0;
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    const stat = lstatSync(full);
    if (stat.isDirectory()) bytes += treeSize(full, include);
    else if (include(entry)) bytes += stat.size;
  }
  return bytes;
}

/** Bytes of the lockfile paths in `closure`, as installed under the workspace, pruned. */
function packagesSize(closure) {
  let bytes = 0;
  const missing = [];
  for (const path of closure.keys()) {
    const dir = join(workspaceRoot, path);
    if (!existsSync(dir)) {
      missing.push(path);
      continue;
    }
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    walkPackage(name, dir, { onFile: (_relative, stat) => (bytes += stat.size) });
  }
  return { bytes, missing };
}

const mb = (bytes) => (bytes < 1e5 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

function main(requested) {
  const distApps = join(workspaceRoot, 'dist', 'apps');
  const apps = requested.length > 0 ? requested : IMAGE_APPS;
  const rows = [];
  const warnings = [];
  for (const app of apps) {
    if (!existsSync(join(distApps, app, 'main.js'))) {
      warnings.push(`${app}: not built (npx nx build ${app})`);
      continue;
    }
    const dist = treeSize(join(distApps, app));
    const { lock } = appManifests(app);
    const closure = new Map(
      Object.keys(lock.packages)
        .filter(Boolean)
        .map((path) => [path, {}]),
    );
    const modules = packagesSize(closure);
    if (modules.missing.length > 0) {
      warnings.push(`${app}: not installed here, not counted: ${modules.missing.join(', ')}`);
    }
    let assets = 0;
    const asset = ASSETS[app];
    if (asset) {
      const dir = join(workspaceRoot, asset.dir);
      if (existsSync(dir)) assets = treeSize(dir, asset.include);
      if (assets === 0) warnings.push(`${app}: no ${asset.label} in ${asset.dir}/, not counted`);
    }
    rows.push({
      app,
      dist,
      direct: Object.keys(appDependencies(app)).length,
      packages: closure.size,
      modules: modules.bytes,
      assets,
    });
  }

  // The baseline: every production dependency of the workspace, as `npm ci --omit=dev` at the
  // root would install them in every image, unpruned.
  const rootDependencies = readJson(join(workspaceRoot, 'package.json')).dependencies ?? {};
  const lock = readJson(join(workspaceRoot, 'package-lock.json'));
  const all = lockClosure(lock, rootDependencies);
  let allBytes = 0;
  for (const path of all.keys()) {
    const dir = join(workspaceRoot, path);
    if (existsSync(dir)) allBytes += treeSize(dir, () => true) - nestedSize(dir);
  }

  const lines = [
    '| app | build output | production packages (direct / installed) | node_modules (pruned) | assets | total shipped |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.app} | ${mb(row.dist)} | ${row.direct} / ${row.packages} | ${mb(row.modules)} | ` +
        `${row.assets ? mb(row.assets) : '–'} | **${mb(row.dist + row.modules + row.assets)}** |`,
    ),
    '',
    `For comparison, every production dependency of the workspace, unpruned ` +
      `(\`npm ci --omit=dev\` of the root package.json): ${all.size} packages, ${mb(allBytes)}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
}

/** Bytes under dir/node_modules (nested packages, counted as packages of their own). */
function nestedSize(dir) {
  const nested = join(dir, 'node_modules');
  return existsSync(nested) ? treeSize(nested) : 0;
}

main(process.argv.slice(2));
