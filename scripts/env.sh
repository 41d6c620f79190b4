# Shared settings for every script: one persistent cargo target dir outside the checkout,
# so a second clone or a CI run reuses what an earlier build compiled.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/banktax/target}"
mkdir -p "$CARGO_TARGET_DIR"

node_binary() {
    echo "${BANKTAX_NODE:-$CARGO_TARGET_DIR/release/banktax-node}"
}

cli_binary() {
    echo "${BANKTAX_CLI:-$CARGO_TARGET_DIR/release/banktax}"
}

# Lists process $1, a node or service just started, in $BANKTAX_PID_FILE when that is set: CI ends what it
# started, by process id, when it finishes (.ci/run).
track_pid() {
    if [ -n "${BANKTAX_PID_FILE:-}" ]; then
        echo "$1" >>"$BANKTAX_PID_FILE"
    fi
}

# Builds the node and the command line (release). Every script builds the whole workspace, as
# `cargo test --workspace` does: cargo compiles a crate anew for each set of features it is
# asked for, and a workspace crate picked on the command line gets its default features, one
# pulled in as a dependency does not.
# With the runtime's try-runtime build beside it (banktax_runtime_try), which
# `banktax-node check-upgrade` runs and the upgrade test checks the upgrade with.
build_binaries() {
    BANKTAX_TRY_RUNTIME=1 cargo build --locked --release --workspace
}

# Builds the web portal's production bundle (web/dist): the privacy codec to wasm, then the
# TypeScript checked and bundled.
build_portal() {
    "$(dirname "${BASH_SOURCE[0]}")/build-wasm.sh"
    (cd "$(dirname "${BASH_SOURCE[0]}")/../web" && npm run --silent build)
}

# The node binary, or a clear message and exit status 1 when it has not been built.
require_node() {
    local node
    node="$(node_binary)"
    if [ ! -x "$node" ]; then
        echo "no node binary at $node: run ./scripts/setup.sh first" >&2
        exit 1
    fi
    echo "$node"
}
