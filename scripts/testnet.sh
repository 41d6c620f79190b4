#!/usr/bin/env bash
# Starts the local test consortium: four validators on loopback, one per founding institution
# (tax authority, two banks, regulator), each with its own base path, keys and libp2p node key.
# Prints their RPC endpoints and runs until Ctrl-C or SIGTERM, which stops all four.
#
#   TESTNET_DIR             where the nodes keep their databases and logs (/tmp/banktax-testnet)
#   TESTNET_FIRST_RPC_PORT  RPC port of the first node; the others follow (9944)
#   TESTNET_CHAIN           the chain: `local` (the default), or a spec file of the same four
#                           institutions (e.g. one with another block time)
#   --purge                 start again from genesis
#
# The libp2p ports are fixed (30333–30336): the local chain spec lists them as boot nodes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

NODE="$(require_node)"

DIR="${TESTNET_DIR:-/tmp/banktax-testnet}"
FIRST_RPC="${TESTNET_FIRST_RPC_PORT:-9944}"
FIRST_P2P=30333
CHAIN="${TESTNET_CHAIN:-local}"
SPEC_DIR="$ROOT/chain-spec/local"

if [ "${1:-}" = "--purge" ]; then
    rm -rf "$DIR"
    shift
fi
mkdir -p "$DIR"

mapfile -t INSTITUTIONS < "$SPEC_DIR/institutions"

# Each validator signs blocks with its Aura key and votes with its GRANDPA key; both are
# derived from the development phrase (see runtime/src/genesis_config_presets.rs).
insert_keys() {
    local name="$1" base="$2"
    "$NODE" key insert --chain "$CHAIN" --base-path "$base" \
        --scheme Sr25519 --key-type aura --suri "//$name//aura"
    "$NODE" key insert --chain "$CHAIN" --base-path "$base" \
        --scheme Ed25519 --key-type gran --suri "//$name//grandpa"
}

pids=()
# Asks every node to stop, gives them STOP_SECONDS to do so, then kills the ones still running
# and names them: a stop must not hang on one node.
STOP_SECONDS=20
stop_all() {
    trap - INT TERM
    echo
    echo "stopping ${#pids[@]} nodes"
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 $((STOP_SECONDS * 10))); do
        local running=0
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then running=1; fi
        done
        [ "$running" = 0 ] && break
        sleep 0.1
    done
    for i in "${!pids[@]}"; do
        if kill -0 "${pids[$i]}" 2>/dev/null; then
            echo "node ${INSTITUTIONS[$i]} did not stop within ${STOP_SECONDS} s: killed" >&2
            kill -KILL "${pids[$i]}" 2>/dev/null || true
        fi
    done
    wait "${pids[@]}" 2>/dev/null || true
    exit 0
}
trap stop_all INT TERM

printf '%-15s %-28s %-7s %s\n' "institution" "rpc" "p2p" "log"
for i in "${!INSTITUTIONS[@]}"; do
    name="${INSTITUTIONS[$i]}"
    base="$DIR/$name"
    mkdir -p "$base"
    insert_keys "$name" "$base"
    rpc=$((FIRST_RPC + i))
    p2p=$((FIRST_P2P + i))
    # The keys above come from the public development phrase: a test network only.
    "$NODE" --chain "$CHAIN" --validator --allow-public-keys --name "$name" \
        --base-path "$base" \
        --port "$p2p" --rpc-port "$rpc" --prometheus-port $((9615 + i)) \
        --node-key-file "$SPEC_DIR/node-keys/$name" \
        >>"$base/node.log" 2>&1 &
    pids+=($!)
    track_pid $!
    printf '%-15s %-28s %-7s %s\n' "$name" "ws://127.0.0.1:$rpc" "$p2p" "$base/node.log"
done
echo "local consortium running (Ctrl-C stops it)"

# Wait for a signal; if a node dies on its own, say which and keep the others running.
while true; do
    for i in "${!pids[@]}"; do
        if ! kill -0 "${pids[$i]}" 2>/dev/null; then
            echo "node ${INSTITUTIONS[$i]} exited; see $DIR/${INSTITUTIONS[$i]}/node.log" >&2
            unset 'pids[i]'
        fi
    done
    if [ ${#pids[@]} -eq 0 ]; then
        echo "all nodes have exited" >&2
        exit 1
    fi
    sleep 1 &
    wait $! || true
done
