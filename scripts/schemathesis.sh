#!/usr/bin/env bash
# The API probe of the test command (issue 10): schemathesis generates requests from the served
# OpenAPI document and sends them, signed in as a school registrar and as a province
# administrator, to a server on a fresh SQLite database with the demo data. Checks: no response
# is a server error, and every documented response matches its schema.
#   XUEJI_BIN                     the server binary (default target/debug/xueji)
#   XUEJI_SCHEMATHESIS_EXAMPLES   examples per operation (default 8; more by hand)
# The virtual environment with schemathesis is made by scripts/setup.sh (setup_schemathesis).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${XUEJI_BIN:-$ROOT/target/debug/xueji}"
ST="$ROOT/target/schemathesis-venv/bin/st"
EXAMPLES="${XUEJI_SCHEMATHESIS_EXAMPLES:-8}"

tmp="$(mktemp -d)"
mkdir -p "$tmp/dist" "$tmp/data"
DATABASE_URL="sqlite://$tmp/probe.db?mode=rwc" \
XUEJI_DATA_DIR="$tmp/data" XUEJI_DIST_DIR="$tmp/dist" XUEJI_BIND=127.0.0.1:0 \
XUEJI_DEMO_DATA=true XUEJI_NIGHTLY_SCAN=off XUEJI_LOG_FORMAT=json \
XUEJI_JWT_SECRET="schemathesis-probe-secret-schemathesis-probe" \
  "$BIN" serve >"$tmp/out" 2>"$tmp/log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

base=""
for _ in $(seq 1 100); do
  base="$(sed -n 's/^XUEJI_LISTENING //p' "$tmp/out" | head -1)"
  [ -n "$base" ] && break
  sleep 0.2
done
[ -n "$base" ] || { cat "$tmp/log" >&2; echo "server did not start" >&2; exit 1; }

token() {
  curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"Xueji@2026\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
# Both tokens first: the probe's own sign-in attempts fill the per-client login limit.
registrar="$(token hz-xh-1-registrar)"
admin="$(token zj-admin)"

status=0
for who in registrar admin; do
  echo "── schemathesis as ${who} (${EXAMPLES} examples per operation)"
  # From the temporary directory: schemathesis keeps a cache (.schemathesis/) in the working one.
  (cd "$tmp" && "$ST" run "$base/api/openapi.json" --url "$base" \
    -H "Authorization: Bearer ${!who}" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$EXAMPLES" --workers 2 --no-color) \
    || status=1
done
if grep -q '"level":"ERROR"' "$tmp/log"; then
  echo "server logged errors:" >&2
  grep '"level":"ERROR"' "$tmp/log" | head -20 >&2
  status=1
fi
exit $status
