#!/usr/bin/env bash
# Prepare a fresh machine: Debian's nats-server, PostgreSQL (started, trusting 127.0.0.1:5432)
# and Chromium (for the studio's browser tests) where they are missing, then the npm dependencies and the build of the packages and the SDK.
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

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "setup: PostgreSQL not found, installing Debian's package" >&2
  apt_install postgresql
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # Local test machines only: trust connections from this host, as the tests and the demo expect.
  if ! grep -q "^host all all 127.0.0.1/32 trust" "$hba"; then
    echo "setup: PostgreSQL $version: trusting connections from 127.0.0.1 ($hba)" >&2
    $sudo sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  echo "setup: starting PostgreSQL $version" >&2
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
  pg_isready -h 127.0.0.1 -p 5432
fi

npm ci --no-audit --no-fund
npm run build
