#!/usr/bin/env bash
# Runs a development chain: one validator (Alice), blocks every 3 s, finality right behind,
# RPC (WebSocket and HTTP) on ws://127.0.0.1:9944 (DEV_RPC_PORT); beside it the tax bureau's
# delivery service (Alice is the development chain's tax authority), which delivers what
# consents call for from the records kept in DEV_KEEP_DIR (default /tmp/banktax-dev/kept: give
# `authority attest --keep` a file there), its metrics on 127.0.0.1:9616
# (DEV_DELIVERY_METRICS_PORT); and the web portal (web/dist) on http://127.0.0.1:8080/
# (DEV_PORTAL_PORT), whose address it prints. The chain starts from genesis on every run unless
# a base path is given (DEV_BASE_PATH; the service's store is then kept below it too). Extra
# arguments go to banktax-node. Ctrl-C or SIGTERM stops them all.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

NODE="$(require_node)"
CLI="$(cli_binary)"
PORT="${DEV_RPC_PORT:-9944}"
KEEP="${DEV_KEEP_DIR:-/tmp/banktax-dev/kept}"

args=(--dev --rpc-port "$PORT")
if [ -n "${DEV_BASE_PATH:-}" ]; then
    args+=(--base-path "$DEV_BASE_PATH")
    STORE="$DEV_BASE_PATH/delivery"
else
    # A fresh chain needs a fresh store: a store follows one chain.
    STORE="$(mktemp -d /tmp/banktax-dev-delivery.XXXXXX)"
fi
mkdir -p "$KEEP"
chmod 700 "$KEEP"

pids=()
stop() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait "${pids[@]}" 2>/dev/null || true
    if [ -z "${DEV_BASE_PATH:-}" ]; then rm -rf "$STORE"; fi
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

echo "BankTax development chain: RPC on ws://127.0.0.1:$PORT (Ctrl-C stops it)"
"$NODE" "${args[@]}" "$@" &
node_pid=$!
pids+=("$node_pid")
track_pid "$node_pid"

for _ in $(seq 1 120); do
    if curl -sf -H 'content-type: application/json' \
        -d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
        "http://127.0.0.1:$PORT" >/dev/null 2>&1; then
        break
    fi
    kill -0 "$node_pid" 2>/dev/null || { wait "$node_pid"; exit 1; }
    sleep 0.5
done

echo "delivery service: kept records in $KEEP, its store in $STORE; its log lines start with 'delivery:'"
METRICS_PORT="${DEV_DELIVERY_METRICS_PORT:-9616}"
"$CLI" authority serve --keep-dir "$KEEP" --state-dir "$STORE" --suri //Alice \
    --url "ws://127.0.0.1:$PORT" --metrics-port "$METRICS_PORT" \
    2> >(sed -u 's/^/delivery: /' >&2) &
pids+=("$!")
track_pid "$!"

PORTAL_PORT="${DEV_PORTAL_PORT:-8080}"
if [ -f "$ROOT/web/dist/index.html" ]; then
    node "$ROOT/scripts/serve-portal.mjs" "$PORTAL_PORT" "$ROOT/web/dist" >/dev/null &
    pids+=("$!")
    track_pid "$!"
    query="?rpc=ws%3A%2F%2F127.0.0.1%3A$PORT&delivery=http%3A%2F%2F127.0.0.1%3A$METRICS_PORT%2Fmetrics"
    echo "portal: http://127.0.0.1:$PORTAL_PORT/$query"
else
    echo "no portal bundle (web/dist): ./scripts/setup.sh builds it" >&2
fi

# The chain is what this script is for: it ends when the node does.
wait "$node_pid"
