#!/usr/bin/env bash
# Prepare a fresh machine: nats-server from Debian's package where it is missing, then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nats-server >/dev/null 2>&1; then
  echo "setup: nats-server not found on PATH, installing Debian's package" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nats-server
fi

npm ci --no-audit --no-fund
