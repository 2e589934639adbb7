#!/usr/bin/env bash
# `npm start`: the whole local stack in the foreground, from a fresh clone. Installs what is
# missing (system packages, node_modules), builds the apps (Nx caches the builds), then
# hands over to run.mjs, which runs them until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=false NX_NO_CLOUD=true

# espeak-ng, sox and pocketsphinx-testdata are for `npm test`, which transcribes synthesised speech
# and real recordings (and for `npm run bench`).
bash tools/stack/install.sh system pocketsphinx pocketsphinx-en-us ffmpeg espeak-ng sox pocketsphinx-testdata
bash tools/stack/install.sh npm
npx nx run-many -t build -p orchestrator text-service transcription-service model-service feature-server \
  credit-bureau catalog-api db-seed --outputStyle=static
exec node tools/stack/run.mjs
