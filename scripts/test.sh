#!/usr/bin/env bash
# Runs every test: formatting, the Rust unit tests of the whole workspace, then the end-to-end
# tests, which start real banktax-node processes and drive them with @polkadot/api.
#
#   TEST_ONLY=rust|e2e   run one half only
#   extra arguments      are passed to `node --test` (e.g. a single test file)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

only="${TEST_ONLY:-all}"

if [ "$only" = all ] || [ "$only" = rust ]; then
    step "cargo fmt --check"
    cargo fmt --all -- --check

    # Release profile, like the node build, so both share one set of compiled dependencies.
    step "Rust unit tests"
    cargo test --locked --release --workspace
fi

if [ "$only" = all ] || [ "$only" = e2e ]; then
    step "building banktax-node and the banktax command line"
    cargo build --locked --release -p banktax-node -p banktax-cli
    if [ ! -d tests/node_modules ]; then
        (cd tests && npm ci --no-audit --no-fund --loglevel=error)
    fi
    step "end-to-end tests against $(node_binary)"
    (cd tests && BANKTAX_NODE="$(node_binary)" npm test -- "$@")
fi
