#!/usr/bin/env bash
# What a fresh clone needs before anything runs, shared by `npm start` (tools/stack/start.sh)
# and CI (.ci/run).
#
#   tools/stack/install.sh system <debian-package>...   the system packages, installed when missing
#   tools/stack/install.sh npm                          node_modules, installed when missing or stale
set -euo pipefail
cd "$(dirname "$0")/../.."

# The command each Debian package provides, to check for it where dpkg does not exist.
command_of() {
  case $1 in
    pocketsphinx) echo pocketsphinx_batch ;;
    pocketsphinx-en-us | pocketsphinx-testdata) echo '' ;; # data only: cannot be probed without dpkg
    *) echo "$1" ;;
  esac
}

install_system() {
  local missing=() pkg cmd
  for pkg in "$@"; do
    if command -v dpkg >/dev/null; then
      dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    else
      cmd=$(command_of "$pkg")
      [ -z "$cmd" ] || command -v "$cmd" >/dev/null || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing system packages: ${missing[*]}. Install them, then run this again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

# npm ci insists that the lockfile lists every platform's optional binaries (jest's resolver,
# nx's native module…). The registry this project's machines reach serves only the current
# platform's, so the lockfile cannot list the others; then install from the lockfile with
# npm install, which still honours every locked version.
install_npm() {
  # onnxruntime-node ships its CPU binaries; its install script would only fetch GPU ones from the internet.
  export ONNXRUNTIME_NODE_INSTALL=skip
  # npm writes node_modules/.package-lock.json at the end of every install.
  if [ -f node_modules/.package-lock.json ] && ! [ package-lock.json -nt node_modules/.package-lock.json ]; then
    return 0
  fi
  if ! npm ci --no-audit --no-fund; then
    echo "npm ci refused the lockfile (off-platform optional packages missing); installing with npm install" >&2
    npm install --no-audit --no-fund --no-save
  fi
}

case ${1:-} in
  system) shift && install_system "$@" ;;
  npm) install_npm ;;
  *)
    echo "usage: $0 system <debian-package>... | $0 npm" >&2
    exit 2
    ;;
esac
