#!/usr/bin/env bash
# The base images the image and compose checks build on: the official ones whenever they can be
# pulled, local stand-ins built from Debian's packages only when they cannot (a machine that
# reaches no image registry, such as CI's):
#
#   tools/images/base-image.sh node      makes docker.io/library/node:20-bookworm-slim (docker/
#                                        Dockerfile's base) resolve: the official image, present or
#                                        pulled, else the local stand-in tagged under its name;
#                                        prints `official` or `local`
#   tools/images/base-image.sh debian    prints the Debian image to build on: debian:bookworm-slim,
#                                        present or pulled, else the local stand-in
#   tools/images/base-image.sh release   takes that name off the local stand-in again, so that it
#                                        never stands in for the official image outside a check
#   tools/images/base-image.sh official <image>
#                                        exits 0 when that official image is here or can be pulled
#
# The stand-ins (kept in podman's storage, rebuilt only when this recipe, the machine's Node or
# its CA bundle change):
# - localhost/orchestrator-local-base/debian:bookworm-slim: `debootstrap --variant=minbase
#   bookworm` from Debian's mirror, trimmed as Debian's official slim image is (no docs, man
#   pages or locales installed), with the machine's CA bundle (the npm registry is reached
#   through an intercepting proxy with its own CA);
# - localhost/orchestrator-local-base/node:20-bookworm-slim: that, plus the machine's Node 20
#   laid out as the official image has it (tools/images/local-node.Containerfile).
set -euo pipefail
cd "$(dirname "$0")/../.."

OFFICIAL_NODE=docker.io/library/node:20-bookworm-slim
OFFICIAL_DEBIAN=docker.io/library/debian:bookworm-slim
LOCAL_DEBIAN=localhost/orchestrator-local-base/debian:bookworm-slim
LOCAL_NODE=localhost/orchestrator-local-base/node:20-bookworm-slim
# Every stand-in carries it (and so does every image built on one): the digest of its recipe.
LABEL=org.orchestrator.local-base
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
PULL_TIMEOUT=${PULL_TIMEOUT:-120}

log() { echo "base-image.sh: $*" >&2; }

label_of() { podman image inspect --format "{{index .Labels \"$LABEL\"}}" "$1" 2>/dev/null || true; }

# Whether $1 is here and is not a stand-in, or else can be pulled; the pull's error in $pull_error.
official_available() {
  pull_error=''
  if podman image exists "$1" && [ -z "$(label_of "$1")" ]; then
    log "$1: the official image, already here"
    return 0
  fi
  local output
  if output=$(timeout "$PULL_TIMEOUT" podman pull -q "$1" 2>&1); then
    log "$1: the official image, pulled"
    return 0
  fi
  pull_error=$(printf '%s\n' "$output" | grep -v '^Trying to pull' | tail -n 1)
  [ -n "$pull_error" ] || pull_error="no answer within ${PULL_TIMEOUT}s"
  return 1
}

banner() {
  local line='=============================================================================================='
  printf '%s\n' "$line" "$@" "$line" >&2
}

node_binary() { readlink -f "$(command -v node)"; }

# What a stand-in is made of, as a digest: a change to it rebuilds the stand-in. The functions
# below as bash reads them (so without their comments), the Containerfile, the machine's Node,
# npm and CA bundle.
debian_digest() {
  { declare -f build_local_debian; sha256sum <"$CA_BUNDLE"; } | sha256sum | cut -c1-16
}
node_digest() {
  { debian_digest; declare -f build_local_node; cat tools/images/local-node.Containerfile; node --version; npm --version; } \
    | sha256sum | cut -c1-16
}

# Removes a debootstrap target; a failed debootstrap can leave /proc or /sys mounted in it.
remove_tree() {
  local mount
  for mount in $(awk -v root="$1/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mount" || true
  done
  rm -rf --one-file-system "$1" "$1.log"
}

up_to_date() { podman image exists "$1" && [ "$(label_of "$1")" = "$2" ]; }

build_local_debian() {
  local digest=$1
  if up_to_date "$LOCAL_DEBIAN" "$digest"; then
    log "$LOCAL_DEBIAN: up to date"
    return 0
  fi
  command -v debootstrap >/dev/null || { log 'debootstrap is not installed (apt-get install -y debootstrap)'; exit 1; }
  local rootfs
  rootfs=$(mktemp -d /var/tmp/orchestrator-local-base.XXXXXX)
  # shellcheck disable=SC2064 # the path is fixed now
  trap "remove_tree '$rootfs'" EXIT
  log "debootstrap --variant=minbase bookworm from $MIRROR (about 30 s)"
  if ! debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$rootfs.log" 2>&1; then
    tail -n 30 "$rootfs.log" >&2
    log 'debootstrap failed'
    exit 1
  fi
  # As Debian's official bookworm-slim: the three suites, and dpkg leaves out documentation, man
  # pages and translations (debuerreotype's slimify), for what is installed now and later.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs/usr/share/info/"* "$rootfs/usr/share/man/"* "$rootfs/usr/share/lintian/overrides/"*
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"*.bin "$rootfs/var/cache/apt/archives/"*.deb \
    "$rootfs/var/log/"*.log "$rootfs/var/log/apt/"* "$rootfs/debootstrap"
  : >"$rootfs/etc/machine-id"
  install -D -m 0644 "$CA_BUNDLE" "$rootfs$CA_BUNDLE"
  tar --numeric-owner -C "$rootfs" -c . | podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --change "LABEL $LABEL=$digest" \
    - "$LOCAL_DEBIAN" >/dev/null
  remove_tree "$rootfs"
  trap - EXIT
  log "$LOCAL_DEBIAN: built"
}

build_local_node() {
  local digest=$1
  if up_to_date "$LOCAL_NODE" "$digest"; then
    log "$LOCAL_NODE: up to date"
    return 0
  fi
  local version
  version=$(node --version)
  case $version in
    v20.*) ;;
    *) log "the stand-in needs this machine's Node to be 20 (the official base's), not $version"; exit 1 ;;
  esac
  # The context: this machine's Node installation, laid out as under /usr/local.
  local context node prefix
  node=$(node_binary)
  prefix=$(dirname "$(dirname "$node")")
  context=$(mktemp -d /var/tmp/orchestrator-local-node.XXXXXX)
  # shellcheck disable=SC2064
  trap "remove_tree '$context'" EXIT
  mkdir -p "$context/bin" "$context/include" "$context/lib/node_modules"
  cp "$node" "$context/bin/node"
  cp -R "$prefix/include/node" "$context/include/node"
  cp -R "$(npm root -g)/npm" "$context/lib/node_modules/npm"
  podman build --quiet --format docker --network=none \
    -f tools/images/local-node.Containerfile \
    --build-arg "DEBIAN_IMAGE=$LOCAL_DEBIAN" --build-arg "NODE_VERSION=${version#v}" \
    --label "$LABEL=$digest" -t "$LOCAL_NODE" "$context" >/dev/null
  remove_tree "$context"
  trap - EXIT
  log "$LOCAL_NODE: built (Node $version)"
}

image_id() { podman image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# Takes the official name off the stand-in, where a check put it.
release() {
  if podman image exists "$OFFICIAL_NODE" && [ -n "$(label_of "$OFFICIAL_NODE")" ]; then
    podman untag "$OFFICIAL_NODE" "$OFFICIAL_NODE"
    log "$OFFICIAL_NODE: the local stand-in's tag removed"
  fi
}

# The stand-ins, (re)built where out of date; those they replace are removed, unless an image
# built on them keeps them.
build_local() {
  local old_debian old_node
  old_debian=$(image_id "$LOCAL_DEBIAN")
  old_node=$(image_id "$LOCAL_NODE")
  build_local_debian "$(debian_digest)"
  [ "$1" = debian ] || build_local_node "$(node_digest)"
  [ "$old_node" = "$(image_id "$LOCAL_NODE")" ] || { release; podman rmi "$old_node" >/dev/null 2>&1 || true; }
  [ "$old_debian" = "$(image_id "$LOCAL_DEBIAN")" ] || podman rmi "$old_debian" >/dev/null 2>&1 || true
}

case ${1:-} in
  node)
    if official_available "$OFFICIAL_NODE"; then
      echo official
      exit 0
    fi
    banner \
      " LOCAL BASE IMAGE. $OFFICIAL_NODE cannot be pulled here:" \
      "   $pull_error" \
      " so the images are built on a local stand-in: Debian bookworm (debootstrap minbase) with this" \
      " machine's Node $(node --version), tagged $OFFICIAL_NODE for this check only." \
      " It is never used where the official image can be pulled (tools/images/base-image.sh)."
    build_local node
    podman tag "$LOCAL_NODE" "$OFFICIAL_NODE"
    echo local
    ;;
  debian)
    if official_available "$OFFICIAL_DEBIAN"; then
      echo "$OFFICIAL_DEBIAN"
      exit 0
    fi
    log "LOCAL BASE IMAGE: $OFFICIAL_DEBIAN cannot be pulled here ($pull_error); using $LOCAL_DEBIAN"
    build_local debian
    echo "$LOCAL_DEBIAN"
    ;;
  official)
    [ -n "${2:-}" ] || { echo "usage: $0 official <image>" >&2; exit 2; }
    official_available "$2" || { log "$2 cannot be pulled here: $pull_error"; exit 1; }
    ;;
  release)
    release
    ;;
  *)
    echo "usage: $0 node | debian | release | official <image>" >&2
    exit 2
    ;;
esac
