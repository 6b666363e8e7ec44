#!/usr/bin/env bash
# Install what the tests need and run the whole test suite (unit, PostgreSQL, AppTest, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# System packages the browser tests need: Debian's Chromium (never a downloaded browser) and CJK fonts, without
# which every Chinese character in a screenshot is an empty box.
# libreoffice-calc-nogui recalculates exported communication templates headless (tests/exchange).
APT_PACKAGES="chromium fonts-noto-cjk libreoffice-calc-nogui"
missing=""
for pkg in $APT_PACKAGES; do dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
