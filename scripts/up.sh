#!/usr/bin/env bash
# Quickstart: from a fresh clone to a running API (http://127.0.0.1:3000), worker and staff
# console (http://127.0.0.1:3001).
# Uses PostgreSQL and Redis at their default local URLs, starting local ones if they are
# installed but stopped (Debian: apt-get install postgresql redis-server), or
# `docker compose -f docker/compose.yml up` for the whole stack in containers.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
exec npm start
