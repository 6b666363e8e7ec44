#!/usr/bin/env bash
# Install what the tests need and run the whole test suite (unit, PostgreSQL, AppTest, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# System packages the browser tests need: Debian's Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
