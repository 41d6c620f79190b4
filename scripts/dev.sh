#!/usr/bin/env bash
# Runs a development chain: one validator (Alice), blocks every 3 s, finality right behind.
# RPC (WebSocket and HTTP) on ws://127.0.0.1:9944. The chain starts from genesis on every run
# unless a base path is given (DEV_BASE_PATH). Extra arguments go to banktax-node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

NODE="$(require_node)"

args=(--dev --rpc-port "${DEV_RPC_PORT:-9944}")
if [ -n "${DEV_BASE_PATH:-}" ]; then
    args+=(--base-path "$DEV_BASE_PATH")
fi

echo "BankTax development chain: RPC on ws://127.0.0.1:${DEV_RPC_PORT:-9944} (Ctrl-C stops it)"
# The node takes this process's place, and its id.
track_pid $$
exec "$NODE" "${args[@]}" "$@"
