#!/usr/bin/env bash
# Runs every test: formatting, the Rust unit tests of the whole workspace, the pallets'
# benchmarks against their mocks, the portal's component tests (Vitest), and the end-to-end
# tests, which start real banktax-node processes and drive them with @polkadot/api, the banktax
# command line and, for the portal, a real browser.
#
# The end-to-end tests spend most of their time waiting for blocks, so the Rust half compiles
# and runs beside them, at a lower CPU priority: the nodes keep their slots, and the whole takes
# about as long as the longer half. Their output follows the Rust half's.
#
#   TEST_ONLY=rust|e2e   run one half only
#   extra arguments      end-to-end test files to run (default: every tests/*.test.js)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

started=$(date +%s)
step() { printf '\n==> [%ss] %s\n' "$(($(date +%s) - started))" "$*"; }

only="${TEST_ONLY:-all}"

# The pallets with benchmarks: each runs every benchmark once against its own mock runtime, so
# that a benchmark that no longer runs fails here rather than in the next weights.sh.
BENCHMARKED_PALLETS=(pallet-institutions pallet-governance pallet-tax-records pallet-consent pallet-loans)

rust_tests() {
    # Release profile and the whole workspace, like the node build (scripts/env.sh), so both
    # share one set of compiled crates. No doc-tests: the code blocks in this project's docs
    # are text and JSON, not examples.
    step "Rust unit tests"
    # `set -e` does not act inside a function run as part of `||`: stop by hand, or a failure
    # here would be reported as the benchmarks' success.
    cargo test --locked --release --workspace --lib --bins || return

    step "benchmarks of ${BENCHMARKED_PALLETS[*]}, once each against their mocks"
    local packages=()
    for pallet in "${BENCHMARKED_PALLETS[@]}"; do packages+=(-p "$pallet"); done
    cargo test --locked --release "${packages[@]}" --features runtime-benchmarks --lib -- benchmarking || return

    step "the portal's component tests"
    (cd web && npx vitest run)
}

e2e_tests() {
    if [ ! -d tests/node_modules ]; then
        (cd tests && npm ci --no-audit --no-fund --loglevel=error)
    fi
    (cd tests && BANKTAX_NODE="$(node_binary)" npm test --silent -- "$@")
}

build() {
    step "building banktax-node, the banktax command line and the portal"
    build_binaries
    build_portal
}

if [ "$only" != e2e ]; then
    step "cargo fmt --check"
    cargo fmt --all -- --check
fi

case "$only" in
    rust)
        rust_tests
        ;;
    e2e)
        build
        step "end-to-end tests against $(node_binary)"
        e2e_tests "$@"
        ;;
    all)
        build
        e2e_log="$(mktemp /tmp/banktax-e2e.XXXXXX)"
        step "end-to-end tests against $(node_binary), beside the Rust tests (output: $e2e_log)"
        e2e_tests "$@" >"$e2e_log" 2>&1 &
        e2e=$!
        rust_status=0
        ( renice -n 15 -p "$BASHPID" >/dev/null && rust_tests ) || rust_status=$?
        step "Rust tests done (status $rust_status); waiting for the end-to-end tests"
        e2e_status=0
        wait "$e2e" || e2e_status=$?
        cat "$e2e_log"
        rm -f "$e2e_log"
        step "end-to-end tests done (status $e2e_status)"
        if [ "$rust_status" != 0 ] || [ "$e2e_status" != 0 ]; then
            echo "failed: Rust tests status $rust_status, end-to-end tests status $e2e_status" >&2
            exit 1
        fi
        ;;
    *)
        echo "TEST_ONLY is rust, e2e, or unset for both; not '$only'" >&2
        exit 2
        ;;
esac
step "all tests passed"
