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
      "cache": true,
      "inputs": ["production", "^production", "{workspaceRoot}/tools/build/webpack.app.js"],
      "options": { "command": "webpack-cli build --config $root/webpack.config.js" }
    },
    "serve": {
      "executor": "nx:run-commands",
      "dependsOn": ["build"],
      "continuous": true,
      "options": { "command": "node dist/$root/main.js" }
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
  mv "$root/tsconfig.lib.json" "$root/tsconfig.app.json"
  cat > "$root/webpack.config.js" <<JS
module.exports = require('$up/tools/build/webpack.app.js')(__dirname);
JS
fi
