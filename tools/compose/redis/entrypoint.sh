#!/usr/bin/env bash
# The stand-in's entrypoint (tools/compose/redis/Containerfile): redis-server as the redis user,
# with protected mode off, as the official image builds it (no password, reached over the
# container network).
set -euo pipefail

if [ "${1:-}" = redis-server ]; then
  set -- "$@" --protected-mode no
  if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
