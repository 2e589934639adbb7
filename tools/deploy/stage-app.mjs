#!/usr/bin/env node
// Lays out in a directory what an app's image holds in /app, without Docker or a registry:
//
//   node tools/deploy/stage-app.mjs <app> <dir>
//
// dist/apps/<app> plus the packages of its pruned lockfile (tools/deploy/app-dependencies.mjs),
// copied from this workspace's node_modules at the same paths and pruned as the image's are
// (tools/deploy/prune-node-modules.mjs). `cd <dir> && node main.js` then starts the app as its
// container would: a package its bundle loads at run time but the lockfile left out fails there
// with "Cannot find module", here rather than in a container.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { appManifests, workspaceRoot } from './app-dependencies.mjs';
import { walkPackage } from './prune-node-modules.mjs';

const [app, out] = process.argv.slice(2);
if (!app || !out) {
  process.stderr.write('usage: node tools/deploy/stage-app.mjs <app> <dir>\n');
  process.exit(2);
}
const target = resolve(out);
const dist = join(workspaceRoot, 'dist', 'apps', app);
if (!existsSync(join(dist, 'main.js'))) {
  process.stderr.write(`${dist}/main.js does not exist: npx nx build ${app}\n`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
cpSync(dist, target, { recursive: true });
const { pkg, lock } = appManifests(app);
writeFileSync(join(target, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
for (const path of Object.keys(lock.packages).filter(Boolean)) {
  const from = join(workspaceRoot, path);
  if (!existsSync(from)) {
    process.stderr.write(`warning: ${path} is not installed here (an off-platform optional package?)\n`);
    continue;
  }
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  walkPackage(name, from, {
    onFile: (relative) => {
      const to = join(target, path, relative);
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(from, relative), to, { verbatimSymlinks: true });
    },
  });
}
process.stderr.write(`${app}: staged in ${target}\n`);
