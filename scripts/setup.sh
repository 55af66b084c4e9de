#!/usr/bin/env bash
# Prepare a fresh machine: Debian's nats-server, PostgreSQL and Chromium (for the studio's browser
# tests) where they are missing, then the npm dependencies and the build of the packages and the SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
updated=""
apt_install() {
  if [ -z "$updated" ]; then $sudo apt-get update -qq; updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

if ! command -v nats-server >/dev/null 2>&1; then
  echo "setup: nats-server not found on PATH, installing Debian's package" >&2
  apt_install nats-server
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "setup: chromium not found, installing Debian's package (for the studio's browser tests)" >&2
  apt_install chromium
fi

npm ci --no-audit --no-fund
npm run build
