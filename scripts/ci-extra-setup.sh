#!/usr/bin/env bash
# Called by .ci/run before `npm ci`: system packages the tests need beyond PostgreSQL and Redis.
# The /report browser test drives Debian's Chromium through playwright-core (no browser download).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium
fi
/usr/bin/chromium --version 2>/dev/null || true
