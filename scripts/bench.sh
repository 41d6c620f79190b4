#!/usr/bin/env bash
# The performance harness (docs/performance.md). Builds what it needs, starts the nodes each
# measurement needs on loopback, loads them with `banktax-load` (signed transactions from many
# registered accounts over several connections), prints a table and writes it as JSON.
#
#   BENCH_SECONDS=30      seconds of sending per measurement
#   BENCH_SMOKE=1         a few seconds each and small counts: proves the harness works (CI)
#   BENCH_OUT=<file>      where the JSON goes (default $CARGO_TARGET_DIR/bench/latest.json)
#   BENCH_SKIP_BUILD=1    use the binaries already built
#
# Every measurement runs against fresh nodes and stops by itself; all nodes are ended on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

SECONDS_EACH="${BENCH_SECONDS:-30}"
SETTLE=60
MAX_TX=60000
ACCOUNTS=512
ENTERPRISES=3000
WRITER_LEAD=20
if [ "${BENCH_SMOKE:-0}" = 1 ]; then
    SECONDS_EACH=3
    SETTLE=30
    MAX_TX=300
    ACCOUNTS=16
    ENTERPRISES=50
    WRITER_LEAD=8
fi
OUT="${BENCH_OUT:-$CARGO_TARGET_DIR/bench/latest.json}"
WORK="$(mktemp -d /tmp/banktax-bench.XXXXXX)"
mkdir -p "$(dirname "$OUT")"

pids=()
stop_nodes() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait "${pids[@]}" 2>/dev/null || true
    pids=()
}
end_nodes() {
    stop_nodes
    rm -rf "$WORK"
}
trap end_nodes EXIT

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "==> building banktax-node and banktax-load" >&2
    cargo build --locked --release -p banktax-node -p banktax-cli >&2
fi
NODE="$(require_node)"
LOAD="$CARGO_TARGET_DIR/release/banktax-load"

# Waits until a node answers JSON-RPC on port $1.
wait_for_rpc() {
    for _ in $(seq 1 120); do
        if curl -s -H 'content-type: application/json' -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
            "http://127.0.0.1:$1" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    echo "no node answered on port $1" >&2
    exit 1
}

# Starts a fresh development node on port $1, with a transaction pool large enough for the load.
start_dev() {
    local port="$1" base="$WORK/dev-$1"
    "$NODE" --dev --base-path "$base" --rpc-port "$port" --port $((port + 1000)) \
        --pool-limit 16384 --pool-kbytes 131072 --rpc-max-connections 1000 \
        --no-prometheus --no-telemetry >"$base.log" 2>&1 &
    pids+=($!)
    wait_for_rpc "$port"
}

results=()
# measure <name> <load arguments...>: one dev node, one run.
measure_dev() {
    local name="$1"
    shift
    echo "==> $name on a development node" >&2
    start_dev 9960
    "$LOAD" --url ws://127.0.0.1:9960 --seconds "$SECONDS_EACH" --settle "$SETTLE" \
        --max-transactions "$MAX_TX" "$@" >"$WORK/$name.json"
    stop_nodes
    results+=("$WORK/$name.json")
}

# The block number of the finalised head of the node on port $1.
finalized_number() {
    local hash
    hash=$(curl -s -H 'content-type: application/json' -d '{"id":1,"jsonrpc":"2.0","method":"chain_getFinalizedHead","params":[]}' \
        "http://127.0.0.1:$1" | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')
    curl -s -H 'content-type: application/json' -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"chain_getHeader\",\"params\":[\"$hash\"]}" \
        "http://127.0.0.1:$1" | sed -n 's/.*"number":"0x\([0-9a-f]*\)".*/\1/p' | xargs -I{} printf '%d\n' 0x{}
}

# measure_local <name> <rate>: the four-validator local network (scripts/testnet.sh), remarks
# sent at <rate> a second spread over all four nodes.
measure_local() {
    local name="$1" rate="$2"
    echo "==> $name: remarks at $rate/s on the four-node local network" >&2
    TESTNET_DIR="$WORK/local-$name" TESTNET_FIRST_RPC_PORT=9970 "$ROOT/scripts/testnet.sh" --purge >/dev/null 2>&1 &
    pids+=($!)
    for port in 9970 9971 9972 9973; do wait_for_rpc "$port"; done
    for _ in $(seq 1 120); do
        [ "$(finalized_number 9970 || echo 0)" -ge 1 ] 2>/dev/null && break
        sleep 1
    done
    "$LOAD" --url ws://127.0.0.1:9970 --url ws://127.0.0.1:9971 --url ws://127.0.0.1:9972 \
        --url ws://127.0.0.1:9973 --connections 1 --workload remark --accounts "$ACCOUNTS" \
        --authority //tax-authority \
        --rate "$rate" --seconds "$SECONDS_EACH" --settle "$SETTLE" --max-transactions "$MAX_TX" \
        >"$WORK/$name.json"
    stop_nodes
    results+=("$WORK/$name.json")
}

# (c) and (d): profile and storage reads with ENTERPRISES registered enterprises, idle and while
# remarks load the node; then the node's resident memory and database size.
measure_reads() {
    echo "==> reads with $ENTERPRISES enterprises, idle and under load" >&2
    start_dev 9960
    local node_pid="${pids[-1]}"
    "$LOAD" --url ws://127.0.0.1:9960 --workload reads --enterprises "$ENTERPRISES" \
        --seconds "$SECONDS_EACH" >"$WORK/reads-idle.json"
    "$LOAD" --url ws://127.0.0.1:9960 --workload remark --accounts "$ACCOUNTS" \
        --seconds $((SECONDS_EACH + WRITER_LEAD)) --settle 5 --max-transactions "$MAX_TX" \
        >"$WORK/writer.json" &
    local writer=$!
    sleep "$WRITER_LEAD"
    "$LOAD" --url ws://127.0.0.1:9960 --workload reads --enterprises "$ENTERPRISES" \
        --seconds "$SECONDS_EACH" >"$WORK/reads-under-load.json"
    wait "$writer"
    local rss_kib db_bytes
    rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$node_pid/status")
    db_bytes=$(du -sb "$WORK/dev-9960" | cut -f1)
    printf '{"enterprises": %s, "rssKiB": %s, "databaseBytes": %s}\n' \
        "$ENTERPRISES" "$rss_kib" "$db_bytes" >"$WORK/state.json"
    stop_nodes
    results+=("$WORK/reads-idle.json" "$WORK/reads-under-load.json" "$WORK/state.json")
}

# (a) sustained included rate, each workload alone on a development node.
measure_dev remark --workload remark --accounts "$ACCOUNTS"
measure_dev attest --workload attest

# (b) latency on the local network at half and 90 % of the remark rate found in (a).
baseline=$(node -e "console.log(Math.max(1, Math.floor(JSON.parse(require('fs').readFileSync('$WORK/remark.json')).includedPerSecond)))")
if [ "${BENCH_SMOKE:-0}" = 1 ]; then baseline=20; fi
measure_local local-half $((baseline / 2))
if [ "${BENCH_SMOKE:-0}" != 1 ]; then
    measure_local local-90 $((baseline * 9 / 10))
fi

measure_reads

node "$ROOT/scripts/bench-table.mjs" "$OUT" "${results[@]}"
