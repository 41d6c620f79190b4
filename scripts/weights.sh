#!/usr/bin/env bash
# Regenerates the weights on this machine: builds the node with runtime benchmarks, runs
# `benchmark pallet` for every benchmarked pallet, and `benchmark overhead` for the per-block and
# per-extrinsic base weights. FRAME pallets' weights go to runtime/src/weights/; BankTax Chain's
# own pallets' to their own weights.rs (pallets/<name>/src/weights.rs), through
# scripts/pallet-weight-template.hbs.
#
#   WEIGHT_STEPS / WEIGHT_REPEAT   benchmark resolution (50 / 20)
#   PALLETS="pallet_institutions ..."  only these pallets (and no overhead, unless OVERHEAD=1)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

STEPS="${WEIGHT_STEPS:-50}"
REPEAT="${WEIGHT_REPEAT:-20}"
OUT="$ROOT/runtime/src/weights"
HEADER="$ROOT/scripts/weights-header.txt"

# The benchmark command line carries a small test runtime for `benchmark storage`, whose wasm
# build looks for itself in this workspace's metadata and cannot find it there (the command line
# is an optional dependency of the node, in benchmark builds only). The pallet and overhead
# benchmarks do not use it, so its wasm is not built.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1

# The benchmark build is kept under its own name: the next ordinary build replaces
# target/release/banktax-node with a node that has no benchmarking code.
cargo build --locked --release -p banktax-node --features runtime-benchmarks
BENCH_NODE="$CARGO_TARGET_DIR/release/banktax-node-benchmarks"
cp "$CARGO_TARGET_DIR/release/banktax-node" "$BENCH_NODE"
BENCH_RUNTIME="$CARGO_TARGET_DIR/release/banktax-runtime-benchmarks.wasm"
cp "$CARGO_TARGET_DIR/release/wbuild/banktax-runtime/banktax_runtime.compact.compressed.wasm" "$BENCH_RUNTIME"
# Benchmarks start from the development preset's genesis, built by the runtime itself.
RUNTIME_ARGS=(--runtime "$BENCH_RUNTIME" --genesis-builder runtime --genesis-builder-preset development)

all_pallets() {
    "$BENCH_NODE" benchmark pallet "${RUNTIME_ARGS[@]}" --list=pallets 2>/dev/null \
        | tail -n +2 | tr -d ' ' | grep -v '^frame_benchmarking$' | sort -u
}

pallets="${PALLETS:-$(all_pallets)}"
for pallet in $pallets; do
    echo "==> $pallet"
    crate="${pallet#pallet_}"
    own="$ROOT/pallets/${crate//_/-}"
    if [ -d "$own" ]; then
        output=(--output "$own/src/weights.rs" --template "$ROOT/scripts/pallet-weight-template.hbs")
    else
        output=(--output "$OUT/$pallet.rs")
    fi
    "$BENCH_NODE" benchmark pallet "${RUNTIME_ARGS[@]}" \
        --pallet "$pallet" --extrinsic '*' \
        --steps "$STEPS" --repeat "$REPEAT" \
        --wasm-execution compiled \
        --header "$HEADER" \
        "${output[@]}"
done

if [ -z "${PALLETS:-}" ] || [ "${OVERHEAD:-}" = 1 ]; then
    echo "==> block and extrinsic overhead"
    "$BENCH_NODE" benchmark overhead "${RUNTIME_ARGS[@]}" \
        --header "$HEADER" \
        --weight-path "$OUT" \
        --warmup 10 --repeat 100
fi
cargo fmt --all
echo "weights written to $OUT"
