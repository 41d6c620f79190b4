#!/usr/bin/env bash
# The performance harness (docs/performance.md). Builds what it needs, starts the nodes each
# measurement needs on loopback, loads them with `banktax-load` (signed transactions from many
# registered accounts over several connections), prints a table and writes it as JSON.
#
#   BENCH_SECONDS=30      seconds of sending per measurement
#   BENCH_SMOKE=1         one node with one-second blocks, a few seconds each and small counts:
#                         proves the harness works (CI); its figures measure nothing
#   BENCH_RECORDS_EACH=N  records each generated enterprise has in (c) and (d) (default 1)
#   BENCH_ONLY=a,b        only these groups of measurements: dev (a), local (b), reads (c, d),
#                         delivery (f)
#   BENCH_DELIVERY_RATES  grants a second for (f), besides the grant workload's rate from (a)
#                         (default 25,50,100,200)
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
GRANT_ACCOUNTS=4096   # enterprises granting consents
BATCH=256             # records per attestRecords transaction
# (c) and (d): generated enterprises and records each, small and large.
SMALL=10000
LARGE=1000000
# Both sizes get the same records each, so that their profile reads compare.
SMALL_RECORDS="${BENCH_RECORDS_EACH:-1}"
LARGE_RECORDS="$SMALL_RECORDS"
ONLY="${BENCH_ONLY:-dev,local,reads,delivery}"
DELIVERY_RATES="${BENCH_DELIVERY_RATES:-25,50,100,200}"
WRITER_LEAD=20
BLOCK_MS=""           # the chain's own block time
SMOKE="${BENCH_SMOKE:-0}"
if [ "$SMOKE" = 1 ]; then
    # One node for everything, small counts, no four-node network and no large state.
    SECONDS_EACH=2
    SETTLE=30
    MAX_TX=200
    GRANT_ACCOUNTS=16
    BATCH=16
    SMALL=50
    SMALL_RECORDS=2
    LARGE=0
    WRITER_LEAD=3
    BLOCK_MS=1000
    DELIVERY_RATES=5
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
    local status=$?
    stop_nodes
    if [ "$status" = 0 ]; then
        rm -rf "$WORK"
    else
        echo "the runs' files are kept in $WORK" >&2
    fi
}
trap end_nodes EXIT

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "==> building banktax-node and banktax-load" >&2
    build_binaries >&2
fi
NODE="$(require_node)"
LOAD="$CARGO_TARGET_DIR/release/banktax-load"
CLI="$(cli_binary)"

# Waits until a node answers JSON-RPC on port $1, for at most $2 seconds (60).
wait_for_rpc() {
    local tries=$(( ${2:-60} * 2 ))
    for _ in $(seq 1 "$tries"); do
        if curl -s -H 'content-type: application/json' -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
            "http://127.0.0.1:$1" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    echo "no node answered on port $1" >&2
    exit 1
}

# The development chain's spec with $1 generated enterprises of $2 records each in its genesis
# (pallet_tax_records::SyntheticRegister): a province's worth of state without registering it.
generated_spec() {
    local spec="$WORK/generated-$1-$2.json"
    "$NODE" build-spec --chain dev --disable-default-bootnode 2>/dev/null \
        | node "$ROOT/scripts/generated-spec.mjs" "$1" "$2" ${BLOCK_MS:+"$BLOCK_MS"} >"$spec"
    echo "$spec"
}

# Starts a development node on port $1 from chain spec $2 (a file, or "dev"), with a
# transaction pool large enough for the load; keeps its base path if it has one already.
start_node() {
    local port="$1" chain="$2" base="$WORK/node-$1"
    # A fixed node key: the node is alone on loopback, and needs one to author.
    "$NODE" --chain "$chain" --alice --allow-public-keys --force-authoring --base-path "$base" \
        --node-key 0000000000000000000000000000000000000000000000000000000000000001 \
        --rpc-port "$port" --port $((port + 1000)) \
        --pool-limit 16384 --pool-kbytes 262144 --rpc-max-connections 1000 \
        --no-prometheus --no-telemetry --no-mdns >>"$base.log" 2>&1 &
    pids+=($!)
    track_pid $!
    node_pid=$!
    wait_for_rpc "$port" "${3:-60}"
}

# A fresh development node on port 9960, unless the smoke run's one node is already up.
fresh_dev() {
    if [ "$SMOKE" = 1 ] && [ "${#pids[@]}" -gt 0 ]; then return; fi
    stop_nodes
    rm -rf "$WORK/node-9960" "$WORK/node-9960.log"
    start_node 9960 "${1:-dev}"
}

results=()
# measure_dev <name> <load arguments...>: one run on a fresh development node.
measure_dev() {
    local name="$1"
    shift
    echo "==> $name on a development node" >&2
    fresh_dev
    "$LOAD" --url ws://127.0.0.1:9960 --seconds "$SECONDS_EACH" --settle "$SETTLE" \
        --max-transactions "$MAX_TX" --node-pid "$node_pid" "$@" >"$WORK/$name.json"
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

# Waits (at most 120 s) until the node on port $1 has finalised block $2.
wait_for_finalized() {
    for _ in $(seq 1 120); do
        [ "$(finalized_number "$1" || echo 0)" -ge "$2" ] 2>/dev/null && return 0
        sleep 1
    done
}

# measure_local <name> <rate>: the four-validator local network (scripts/testnet.sh), remarks
# sent at <rate> a second spread over all four nodes.
measure_local() {
    local name="$1" rate="$2"
    echo "==> $name: remarks at $rate/s on the four-node local network" >&2
    stop_nodes
    TESTNET_DIR="$WORK/local-$name" TESTNET_FIRST_RPC_PORT=9970 "$ROOT/scripts/testnet.sh" --purge >/dev/null 2>&1 &
    pids+=($!)
    for port in 9970 9971 9972 9973; do wait_for_rpc "$port"; done
    wait_for_finalized 9970 1
    local node_pids=()
    for pid in $(pgrep -f "banktax-node.*local-$name"); do node_pids+=(--node-pid "$pid"); done
    "$LOAD" --url ws://127.0.0.1:9970 --url ws://127.0.0.1:9971 --url ws://127.0.0.1:9972 \
        --url ws://127.0.0.1:9973 --connections 1 --workload remark \
        "${node_pids[@]}" \
        --authority //tax-authority --bank //bank-a --bank //bank-b \
        --rate "$rate" --seconds "$SECONDS_EACH" --settle "$SETTLE" --max-transactions "$MAX_TX" \
        >"$WORK/$name.json"
    stop_nodes
    results+=("$WORK/$name.json")
}

# measure_delivery <name> <rate>: the tax bureau's delivery service beside a development node
# while enterprises grant consents at <rate> a second, each to a kept annual summary: how many
# blocks and seconds each consent waits for its envelope (banktax-load's "delivery").
measure_delivery() {
    local name="$1" rate="$2"
    echo "==> $name: the delivery service with grants at $rate/s on a development node" >&2
    fresh_dev
    local keep="$WORK/$name-kept"
    "$CLI" authority serve --keep-dir "$keep" --state-dir "$WORK/$name-store" --suri //Alice \
        --url ws://127.0.0.1:9960 2>"$WORK/$name-service.log" &
    pids+=($!)
    track_pid $!
    "$LOAD" --url ws://127.0.0.1:9960 --workload grant --accounts "$GRANT_ACCOUNTS" \
        --keep-dir "$keep" --rate "$rate" --seconds "$SECONDS_EACH" --settle "$SETTLE" \
        --max-transactions "$MAX_TX" --node-pid "$node_pid" >"$WORK/$name.json"
    # The service's log (a line per round: what it planned, sent and when it was in a block)
    # stays beside the results.
    cp "$WORK/$name-service.log" "$(dirname "$OUT")/$name-service.log"
    results+=("$WORK/$name.json")
}

# (c) and (d): profile and storage reads of $1 generated enterprises with $2 records each, idle
# and while remarks load the node; then the node's resident memory and database size. The node
# builds the genesis, is restarted (so memory is that of a running node, not of building the
# genesis), and measured.
measure_reads() {
    local enterprises="$1" records="$2" label="$1"
    echo "==> reads with $enterprises generated enterprises of $records records, idle and under load" >&2
    local started genesis_seconds
    if [ "$SMOKE" != 1 ]; then
        stop_nodes
        rm -rf "$WORK/node-9960" "$WORK/node-9960.log"
        local spec
        spec=$(generated_spec "$enterprises" "$records")
        started=$(date +%s%N)
        start_node 9960 "$spec" 1800
        genesis_seconds=$(( ($(date +%s%N) - started) / 1000000000 ))
        # The genesis is gigabytes for ParityDB to write: let it finish before the restart,
        # or the node builds the genesis again (and its memory is that of the build).
        wait_for_finalized 9960 2
        local size=0 now
        for _ in $(seq 1 120); do
            sleep 5
            now=$(du -sb "$WORK/node-9960" | cut -f1)
            # Blocks keep adding kilobytes; the genesis adds gigabytes.
            [ $((now - size)) -lt 1048576 ] && break
            size="$now"
        done
        stop_nodes
        start_node 9960 "$spec" 1800
        if [ "$(grep -c 'Initializing Genesis' "$WORK/node-9960.log")" -gt 1 ]; then
            echo "the node built its genesis again on restart: memory figures include the build" >&2
        fi
    else
        genesis_seconds=0
    fi
    "$LOAD" --url ws://127.0.0.1:9960 --workload reads --enterprises "$enterprises" \
        --seconds "$SECONDS_EACH" >"$WORK/reads-$label-idle.json"
    "$LOAD" --url ws://127.0.0.1:9960 --workload remark \
        --seconds $((SECONDS_EACH + WRITER_LEAD)) --settle 5 --max-transactions "$MAX_TX" \
        >"$WORK/writer.json" &
    local writer=$!
    sleep "$WRITER_LEAD"
    "$LOAD" --url ws://127.0.0.1:9960 --workload reads --enterprises "$enterprises" \
        --seconds "$SECONDS_EACH" >"$WORK/reads-$label-under-load.json"
    wait "$writer"
    # Resident memory splits into the node's own (anonymous) and the database's files it maps
    # (ParityDB's tables), which the kernel can drop and read again.
    local status="/proc/$node_pid/status" db_bytes
    db_bytes=$(du -sb "$WORK/node-9960" | cut -f1)
    printf '{"enterprises": %s, "recordsEach": %s, "genesisSeconds": %s, "rssKiB": %s, "peakRssKiB": %s, "anonymousKiB": %s, "mappedFilesKiB": %s, "databaseBytes": %s}\n' \
        "$enterprises" "$records" "$genesis_seconds" \
        "$(awk '/VmRSS/ {print $2}' "$status")" "$(awk '/VmHWM/ {print $2}' "$status")" \
        "$(awk '/RssAnon/ {print $2}' "$status")" "$(awk '/RssFile/ {print $2}' "$status")" \
        "$db_bytes" >"$WORK/state-$label.json"
    results+=("$WORK/reads-$label-idle.json" "$WORK/reads-$label-under-load.json" "$WORK/state-$label.json")
}

if [ "$SMOKE" = 1 ]; then
    # The smoke run's one node carries the generated enterprises its reads read.
    start_node 9960 "$(generated_spec "$SMALL" "$SMALL_RECORDS")"
fi

wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

# (a) sustained included rate, each workload alone on a development node.
if wanted dev; then
    measure_dev remark --workload remark
    measure_dev attest --workload attest
    measure_dev attest-batch --workload attest --batch "$BATCH" --in-flight 16
    measure_dev attest-sorted --workload attest --batch "$BATCH" --runs-of 12 --in-flight 16
    measure_dev grant --workload grant --accounts "$GRANT_ACCOUNTS"
    measure_dev access --workload access
    if [ "$SMOKE" != 1 ]; then
        measure_dev repay --workload repay
    fi
fi

# (b) latency on the local network at half and 90 % of the remark rate found in (a) (or of
# BENCH_BASELINE remarks a second, when (a) does not run).
if wanted local && [ "$SMOKE" != 1 ]; then
    if [ -f "$WORK/remark.json" ]; then
        baseline=$(node -e "console.log(Math.max(1, Math.floor(JSON.parse(require('fs').readFileSync('$WORK/remark.json')).includedPerSecond)))")
    else
        baseline="${BENCH_BASELINE:-800}"
    fi
    measure_local local-half $((baseline / 2))
    measure_local local-90 $((baseline * 9 / 10))
fi

# (f) the delivery service at the grant workload's rate from (a) (or BENCH_GRANT_RATE), and at
# each of BENCH_DELIVERY_RATES.
if wanted delivery; then
    rates=()
    if [ "$SMOKE" != 1 ] && [ -f "$WORK/grant.json" ]; then
        rates+=("$(node -e "console.log(Math.max(1, Math.floor(JSON.parse(require('fs').readFileSync('$WORK/grant.json')).includedPerSecond)))")")
    elif [ -n "${BENCH_GRANT_RATE:-}" ]; then
        rates+=("$BENCH_GRANT_RATE")
    fi
    IFS=, read -ra more <<<"$DELIVERY_RATES"
    rates+=("${more[@]}")
    for rate in "${rates[@]}"; do
        measure_delivery "delivery-$rate" "$rate"
    done
fi

# (c) and (d) at a province's scale.
if wanted reads; then
    measure_reads "$SMALL" "$SMALL_RECORDS"
    if [ "$LARGE" -gt 0 ]; then
        measure_reads "$LARGE" "$LARGE_RECORDS"
    fi
fi
stop_nodes

node "$ROOT/scripts/bench-table.mjs" "$OUT" "${results[@]}"
