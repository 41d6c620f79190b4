#!/usr/bin/env bash
# Runs every test: formatting, the Rust unit tests of the whole workspace, the pallets'
# benchmarks against their mocks, then the end-to-end tests, which start real banktax-node
# processes and drive them with @polkadot/api and the banktax command line.
#
#   TEST_ONLY=rust|e2e   run one half only
#   extra arguments      end-to-end test files to run (default: all of tests/*.test.js)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

only="${TEST_ONLY:-all}"

# The pallets with benchmarks: each runs every benchmark once against its own mock runtime, so
# that a benchmark that no longer runs fails here rather than in the next weights.sh.
BENCHMARKED_PALLETS=(pallet-institutions pallet-governance pallet-tax-records pallet-consent pallet-loans)

if [ "$only" = all ] || [ "$only" = rust ]; then
    step "cargo fmt --check"
    cargo fmt --all -- --check

    # Release profile, like the node build, so both share one set of compiled dependencies.
    step "Rust unit tests"
    cargo test --locked --release --workspace

    step "benchmarks of ${BENCHMARKED_PALLETS[*]}, once each against their mocks"
    packages=()
    for pallet in "${BENCHMARKED_PALLETS[@]}"; do packages+=(-p "$pallet"); done
    cargo test --locked --release "${packages[@]}" --features runtime-benchmarks --lib -- benchmarking
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
