#!/usr/bin/env bash
# Writes the checked-in chain specs (chain-spec/dev.json, chain-spec/local.json) from the node's
# built-in ones, with `banktax-node build-spec`. Run after changing genesis; the node's unit
# tests fail while a checked-in spec differs from the built-in one (runtime code aside).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

NODE="$(require_node)"

for chain in dev local; do
    "$NODE" build-spec --chain "$chain" --disable-default-bootnode >"$ROOT/chain-spec/$chain.json.new" 2>/dev/null
    mv "$ROOT/chain-spec/$chain.json.new" "$ROOT/chain-spec/$chain.json"
    echo "wrote chain-spec/$chain.json"
done
