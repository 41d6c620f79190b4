# Shared settings for every script: one persistent cargo target dir outside the checkout,
# so a second clone or a CI run reuses what an earlier build compiled.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/banktax/target}"
mkdir -p "$CARGO_TARGET_DIR"

node_binary() {
    echo "${BANKTAX_NODE:-$CARGO_TARGET_DIR/release/banktax-node}"
}
