#!/usr/bin/env bash
# Scaffolds an Nx project's boilerplate (project.json, tsconfigs, jest config). Used while
# setting up the workspace; kept so that new libraries start with the same layout.
# usage: tools/scaffold.sh <lib|app> <root> <name> <tags-json-array>
set -euo pipefail
kind=$1 root=$2 name=$3 tags=$4
up=$(echo "$root" | sed -E 's#[^/]+#..#g')
mkdir -p "$root/src"
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "$up/tsconfig.base.json",
  "compilerOptions": { "types": ["node", "jest"], "isolatedModules": true },
  "include": ["src/**/*.ts"]
}
JSON
cat > "$root/tsconfig.lib.json" <<JSON
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "$up/dist/out-tsc", "types": ["node"] },
  "exclude": ["src/**/*.spec.ts", "src/**/*.test.ts"]
}
JSON
cp "$root/tsconfig.json" "$root/tsconfig.spec.json"
cat > "$root/jest.config.js" <<JS
module.exports = {
  ...require('$up/jest.preset.js'),
  displayName: '$name',
  coverageDirectory: '$up/coverage/$root',
};
JS
if [ "$kind" = lib ]; then
  cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "$up/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "library",
  "tags": $tags,
  "targets": {
    "test": {
      "executor": "@nx/jest:jest",
      "outputs": ["{workspaceRoot}/coverage/{projectRoot}"],
      "options": { "jestConfig": "$root/jest.config.js" }
    },
    "lint": { "executor": "@nx/eslint:lint" },
    "typecheck": { "command": "tsc -p $root/tsconfig.json --noEmit" }
  }
}
JSON
else
  cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "$up/node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "application",
  "tags": $tags,
  "targets": {
    "build": {
      "executor": "nx:run-commands",
      "outputs": ["{workspaceRoot}/dist/$root"],
      "options": { "command": "webpack-cli build --node-env=production", "cwd": "$root" }
    },
    "serve": {
      "executor": "@nx/js:node",
      "options": { "buildTarget": "$name:build", "runBuildTargetDependencies": false }
    },
    "test": {
      "executor": "@nx/jest:jest",
      "outputs": ["{workspaceRoot}/coverage/{projectRoot}"],
      "options": { "jestConfig": "$root/jest.config.js" }
    },
    "lint": { "executor": "@nx/eslint:lint" },
    "typecheck": { "command": "tsc -p $root/tsconfig.json --noEmit" }
  }
}
JSON
  cat > "$root/webpack.config.js" <<JS
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: { path: join(__dirname, '$up/dist/$root') },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.lib.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
};
JS
fi
