#!/usr/bin/env bash
# The offline checks of the deployment files (no Docker engine, no Kong needed):
#
#   tools/deploy/check.sh [<orchestrator-openapi.json>]
#
# 1. docker-compose.yml, by Debian's docker-compose (1.29) `config`: schema, interpolation,
#    references between services;
# 2. kong/kong.yml, by decK's offline `validate` (entities, fields, references; decK 1.4 does
#    not check plugin `config` fields);
# 3. only Kong publishes a port, and Prometheus and Grafana on 127.0.0.1 only
#    (tools/deploy/check-compose-ports.mjs);
# 4. every public route of the orchestrator's OpenAPI document has a Kong route and no admin
#    route has one (tools/deploy/check-kong-routes.mjs), when the document is given: the
#    orchestrator's GET /docs-json. The route check's own tests run either way.
# Needs the Debian packages docker-compose and deck, and the workspace's node_modules (yaml).
set -euo pipefail
cd "$(dirname "$0")/../.."

for command in docker-compose deck node; do
  command -v "$command" >/dev/null || { echo "check.sh: $command is not installed (Debian: apt-get install docker-compose deck)" >&2; exit 1; }
done

echo '== docker-compose -f docker-compose.yml config -q'
docker-compose -f docker-compose.yml config -q
echo ok

echo '== deck validate -s kong/kong.yml'
deck validate -s kong/kong.yml
echo ok

echo '== published ports'
docker-compose -f docker-compose.yml config | node tools/deploy/check-compose-ports.mjs

echo '== Kong routes'
node --test tools/deploy/check-kong-routes.test.mjs >/dev/null || {
  node --test tools/deploy/check-kong-routes.test.mjs
  exit 1
}
echo 'ok: check-kong-routes.test.mjs'
if [ $# -gt 0 ]; then
  node tools/deploy/check-kong-routes.mjs "$1" kong/kong.yml
else
  echo 'SKIPPED: the OpenAPI check needs the orchestrator OpenAPI document: tools/deploy/check.sh <openapi.json>' >&2
fi
