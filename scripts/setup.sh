#!/usr/bin/env bash
# Installs everything a fresh Debian machine lacks to build and test BankTax Chain,
# then builds the node. Safe to run again: every step checks before it acts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

log() { printf '\n==> %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_apt_packages() {
    # chromium and fonts-noto-cjk: the portal's browser tests, and its Chinese on screen.
    local wanted=(clang libclang-dev protobuf-compiler curl chromium fonts-noto-cjk)
    local missing=()
    for pkg in "${wanted[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "system packages already installed: ${wanted[*]}"
        return
    fi
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

install_rust_parts() {
    if ! command -v rustup >/dev/null 2>&1; then
        echo "rustup is required (https://rustup.rs); install it and run this script again" >&2
        exit 1
    fi
    local installed
    installed="$(rustup target list --installed)"
    for target in wasm32v1-none wasm32-unknown-unknown; do
        if grep -qx "$target" <<<"$installed"; then
            log "rust target $target already installed"
        else
            log "installing rust target $target"
            rustup target add "$target"
        fi
    done
    if rustup component list --installed | grep -q '^rust-src'; then
        log "rust-src already installed"
    else
        log "installing rust-src"
        rustup component add rust-src
    fi
}

install_node_modules() {
    if ! command -v npm >/dev/null 2>&1; then
        echo "Node.js and npm are required for the end-to-end tests" >&2
        exit 1
    fi
    log "installing end-to-end test dependencies (tests/)"
    (cd "$ROOT/tests" && npm ci --no-audit --no-fund --loglevel=error)
    log "installing the portal's dependencies (web/)"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
}

build_node() {
    log "building banktax-node and banktax (release) into $CARGO_TARGET_DIR"
    (cd "$ROOT" && build_binaries)
    log "building the portal (web/dist)"
    build_portal
}

install_apt_packages
install_rust_parts
install_node_modules
if [ "${SETUP_SKIP_BUILD:-0}" != "1" ]; then
    build_node
fi
log "setup complete: $(node_binary)"
