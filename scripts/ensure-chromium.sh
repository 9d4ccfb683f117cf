#!/usr/bin/env bash
# Make Debian's chromium available for the Playwright browser tests.
# Installs it with apt when missing and running as root; otherwise says what to do.
# The e2e tests themselves skip (or fail under CI=true) when no browser is there.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null 2>&1 || {
    apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null
  }
  echo "chromium installed: $("$CHROMIUM" --version)"
else
  echo "NOTE: $CHROMIUM is missing and this is not root: browser tests will skip." >&2
  echo "      Install it with: sudo apt-get install chromium" >&2
fi
