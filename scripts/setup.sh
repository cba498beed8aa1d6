#!/usr/bin/env bash
# Installs what building and testing xueji needs on a Debian 12 machine with Rust from rustup.
# Sourced by start.sh and test.sh; safe to run again (each step checks first).
#   setup_build  — wasm32 toolchain, Node.js, build tools from npm
#   setup_test   — the above plus Chromium, CJK fonts, PostgreSQL at 127.0.0.1:5432
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

log() { printf '\033[1;34m[xueji]\033[0m %s\n' "$*" >&2; }

APT_UPDATED=""
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    log "cargo not found: install Rust with rustup (https://rustup.rs) first"; exit 1
  fi
  apt_install gcc libc6-dev pkg-config ca-certificates
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true
}

# The browser build: rustup's wasm32 target when it can be had, else Debian's rustc-web with
# the standard library built from source (xtask picks whichever is present).
ensure_wasm_toolchain() {
  local sysroot
  sysroot="$(rustc --print sysroot)"
  if [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib" ]; then return 0; fi
  if command -v rustup >/dev/null && timeout 300 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 \
     && [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
    log "rustup wasm32 target installed"; return 0
  fi
  log "rustup cannot add wasm32; using Debian's rustc-web with build-std"
  apt_install rustc-web rust-web-src cargo-web lld-22
}

ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
}

npm_ci() { # dir
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm ci in ${dir#$ROOT/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

setup_build() {
  ensure_rust
  ensure_wasm_toolchain
  ensure_node
  npm_ci "$ROOT/xtask"
}

ensure_chromium() {
  # sqlite3: the scan e2e test writes legacy records straight into the server's database.
  apt_install chromium fonts-noto-cjk sqlite3
}

pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h 127.0.0.1 -p 5432 -t 3
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

# PostgreSQL for the tests: the server at 127.0.0.1:5432 when one answers, else Debian's,
# installed, started, and set to trust local TCP connections of user postgres.
ensure_postgres() {
  if pg_answers; then return 0; fi
  log "no PostgreSQL at 127.0.0.1:5432; installing Debian's"
  apt_install postgresql postgresql-client
  local ver conf
  ver="$(ls /etc/postgresql | sort -V | tail -1)"
  conf="/etc/postgresql/$ver/main/pg_hba.conf"
  if ! $SUDO grep -q '^host all postgres 127.0.0.1/32 trust' "$conf"; then
    $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust' "$conf"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null \
    || $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  for _ in $(seq 1 30); do pg_answers && return 0; sleep 1; done
  log "PostgreSQL did not come up"; exit 1
}

# schemathesis (the API probe, scripts/schemathesis.sh) from PyPI into a virtual environment
# under target/, at the version pinned in scripts/schemathesis-requirements.txt.
setup_schemathesis() {
  local venv="$ROOT/target/schemathesis-venv" req="$ROOT/scripts/schemathesis-requirements.txt"
  if [ -x "$venv/bin/st" ] && [ "$venv/.installed" -nt "$req" ]; then return 0; fi
  apt_install python3 python3-venv curl
  log "installing schemathesis into ${venv#$ROOT/}"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  touch "$venv/.installed"
}

setup_test() {
  setup_build
  ensure_chromium
  ensure_postgres
  npm_ci "$ROOT/e2e"
  setup_schemathesis
}
