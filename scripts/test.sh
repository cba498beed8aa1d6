#!/usr/bin/env bash
# Every test: formatting, lints, unit and API tests on SQLite and PostgreSQL, the wasm32
# builds of shared and frontend, and the browser tests in headless Chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
setup_test
export XUEJI_TEST_PG_URL="${XUEJI_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
START=$SECONDS
step() { log "── $* ($((SECONDS - START)) s)"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native, warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

if [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
  step "clippy (wasm32: shared, frontend)"
  CARGO_TARGET_DIR=target/wasm cargo clippy --locked --target wasm32-unknown-unknown \
    -p xueji-shared -p xueji-frontend -- -D warnings
fi

# Includes the property-driven fuzzing of the shared parsers (shared/tests/fuzz.rs), brief
# here; XUEJI_FUZZ_CASES=200000 runs it longer.
step "unit and API tests (SQLite and PostgreSQL)"
cargo test --workspace --locked

step "wasm32 build of shared"
cargo xtask wasm-check

step "wasm32 build of the frontend (dist/)"
cargo xtask dist

step "browser tests (headless Chromium)"
cargo build --locked -p xueji-backend
(cd e2e && XUEJI_BIN="$ROOT/target/debug/xueji" XUEJI_DIST_DIR="$ROOT/dist" npm test)

step "API probe: schemathesis against the OpenAPI document (registrar, province administrator)"
XUEJI_BIN="$ROOT/target/debug/xueji" "$ROOT/scripts/schemathesis.sh"

step "all tests passed"
