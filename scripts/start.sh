#!/usr/bin/env bash
# Build everything and start xueji on the embedded SQLite database with demo data:
# http://127.0.0.1:8080 (XUEJI_BIND changes it). Demo accounts: see README.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
setup_build
log "building the app (wasm) into dist/"
cargo xtask dist
log "building the server (release)"
cargo build --release --locked -p xueji-backend
export XUEJI_DEMO_DATA="${XUEJI_DEMO_DATA:-true}"
log "starting on http://${XUEJI_BIND:-127.0.0.1:8080} (Ctrl-C stops)"
exec ./target/release/xueji serve
