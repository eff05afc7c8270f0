#!/usr/bin/env bash
# Boots the built API and worker against a throw-away database and checks that the API is
# ready (PostgreSQL and Redis reachable), the worker connects to Redis and runs a job that
# the API wrote to the outbox, and both stop cleanly on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
id="boot_$(date +%s)_$$"
dir="test-output/$id"; mkdir -p "$dir"
node -e 'const {generateSecretsDocument}=require("./dist/libs/config/src/secrets");process.stdout.write(JSON.stringify(generateSecretsDocument()))' > "$dir/secrets.json"
export NODE_ENV=test SECRETS_FILE="$dir/secrets.json" REDIS_PREFIX="amani_$id" \
  DATABASE_URL="postgres://amani_app@127.0.0.1:5432/amani_$id" DATABASE_OWNER_URL="postgres://postgres@127.0.0.1:5432/amani_$id" \
  PORT="${BOOT_CHECK_PORT:-39117}" OUTBOX_POLL_MS=200
cleanup() {
  [ -n "${api:-}" ] && kill "$api" 2>/dev/null || true
  [ -n "${worker:-}" ] && kill "$worker" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS amani_$id WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli --scan --pattern "amani_$id*" | xargs -r redis-cli del >/dev/null 2>&1 || true
}
trap cleanup EXIT

node dist/apps/cli/src/main.js db:prepare
node dist/apps/api/src/main.js > "$dir/api.log" 2>&1 & api=$!
node dist/apps/worker/src/main.js > "$dir/worker.log" 2>&1 & worker=$!

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health/ready"; echo
for _ in $(seq 1 60); do grep -q '"worker.ready"' "$dir/worker.log" && break; sleep 0.5; done
grep -q '"worker.ready"' "$dir/worker.log" || { echo "worker did not become ready"; cat "$dir/worker.log"; exit 1; }

# A job through the outbox: the worker signs an audit checkpoint.
psql -h 127.0.0.1 -U postgres -d "amani_$id" -q -c "INSERT INTO outbox (queue, name, payload) VALUES ('amani', 'audit.checkpoint', '{}')"
for _ in $(seq 1 60); do
  n=$(psql -h 127.0.0.1 -U postgres -d "amani_$id" -tAc "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
  [ "$n" = "1" ] && grep -q '"job done"' "$dir/worker.log" && break; sleep 0.5
done
grep -q '"job done"' "$dir/worker.log" || { echo "worker did not run the outbox job"; cat "$dir/worker.log"; exit 1; }
echo "worker connected and ran an outbox job"

kill -TERM "$api" "$worker"
a=0; w=0; wait "$api" || a=$?; wait "$worker" || w=$?; api=; worker=
# Nest re-raises SIGTERM after closing, so a clean stop exits 0 or 143.
{ [ "$a" -eq 0 ] || [ "$a" -eq 143 ]; } && { [ "$w" -eq 0 ] || [ "$w" -eq 143 ]; } || { echo "unclean shutdown: api=$a worker=$w"; exit 1; }
echo "API and worker shut down cleanly"
