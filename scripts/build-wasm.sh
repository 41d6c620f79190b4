#!/usr/bin/env bash
# Builds the privacy codec for the web portal: the crate web/wasm (the chain's own Rust code)
# compiled to wasm32-unknown-unknown and bound for the browser by wasm-bindgen, whose command
# line must be the version Cargo.lock pins (installed here once, into ~/.cargo/bin), into
# web/src/wasm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
    echo "==> installing wasm-bindgen-cli $version" >&2
    # Not --locked: its lock file names crate versions the registry mirror may lack.
    cargo install wasm-bindgen-cli --version "$version"
fi
cargo build --release --locked -p banktax-wasm --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir "$ROOT/web/src/wasm" --out-name banktax_wasm \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/banktax_wasm.wasm"
