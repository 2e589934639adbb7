#!/usr/bin/env bash
# Prepares this machine's podman for the image and compose checks (tools/images/check.mjs,
# tools/compose/check.mjs), and says what is missing:
#
#   tools/images/host.sh prepare
#
# - podman (and, with `prepare compose`, docker-compose) must be installed: .ci/run installs the
#   Debian packages through tools/stack/install.sh system.
# - Ulimits: podman sets RLIMIT_NOFILE in every container it starts, which some VMs refuse
#   ("error setting rlimit type 7"). `default_ulimits = []` under [containers] in
#   /etc/containers/containers.conf makes containers inherit the engine's limits instead. The
#   line is added when the key is missing; every other setting of the file is kept as it is.
#   Only rootful podman reads that file, so the checks run as root.
set -euo pipefail

CONTAINERS_CONF=${CONTAINERS_CONF_FILE:-/etc/containers/containers.conf}

require() {
  local command
  for command in "$@"; do
    command -v "$command" >/dev/null || {
      echo "host.sh: $command is not installed (Debian: apt-get install -y $command, or bash tools/stack/install.sh system $command)" >&2
      exit 1
    }
  done
}

# The value of default_ulimits in the [containers] table, or nothing when the key is not set there.
current_ulimits() {
  awk '
    /^[[:space:]]*\[/ { in_containers = ($0 ~ /^[[:space:]]*\[containers\][[:space:]]*(#.*)?$/) }
    in_containers && /^[[:space:]]*default_ulimits[[:space:]]*=/ { sub(/^[^=]*=[[:space:]]*/, ""); print; exit }
  ' "$CONTAINERS_CONF"
}

ensure_ulimits() {
  if [ "$(id -u)" != 0 ]; then
    echo "host.sh: run as root: these checks use rootful podman (its /etc/containers/containers.conf)" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$CONTAINERS_CONF")"
  [ -f "$CONTAINERS_CONF" ] || : >"$CONTAINERS_CONF"
  local value
  value=$(current_ulimits)
  if [ -n "$value" ]; then
    case $value in
      '[]'*) ;;
      *) echo "host.sh: note: $CONTAINERS_CONF already sets default_ulimits; left as it is (where containers fail with \"error setting rlimit\", set it to [])" >&2 ;;
    esac
    return 0
  fi
  local line='default_ulimits = []  # added by tools/images/host.sh: this VM refuses rlimit changes'
  if grep -Eq '^[[:space:]]*\[containers\][[:space:]]*(#.*)?$' "$CONTAINERS_CONF"; then
    # Right under the existing [containers] header.
    local tmp
    tmp=$(mktemp "$CONTAINERS_CONF.XXXXXX")
    awk -v line="$line" '
      { print }
      !done && /^[[:space:]]*\[containers\][[:space:]]*(#.*)?$/ { print line; done = 1 }
    ' "$CONTAINERS_CONF" >"$tmp"
    chmod --reference="$CONTAINERS_CONF" "$tmp"
    mv "$tmp" "$CONTAINERS_CONF"
  else
    # A new table at the end: a key appended after another table would belong to that one.
    { [ ! -s "$CONTAINERS_CONF" ] || echo; echo '[containers]'; echo "$line"; } >>"$CONTAINERS_CONF"
  fi
  echo "host.sh: added default_ulimits = [] under [containers] in $CONTAINERS_CONF" >&2
}

case ${1:-} in
  prepare)
    require podman
    [ "${2:-}" != compose ] || require docker-compose
    ensure_ulimits
    ;;
  *)
    echo "usage: $0 prepare [compose]" >&2
    exit 2
    ;;
esac
