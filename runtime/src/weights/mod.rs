//! This runtime's weights, measured with `banktax-node benchmark` by `scripts/weights.sh`.
//!
//! - `block_weights`, `extrinsic_weights`: the fixed cost of an empty block and of a no-op
//!   extrinsic (`benchmark overhead`).
//! - one module per benchmarked FRAME pallet (`benchmark pallet`). BankTax Chain's own pallets
//!   keep their generated weights in their own `weights.rs`.
//!
//! `pallet_session` and `pallet_grandpa` use the weights measured upstream: their benchmarks
//! need a staking system this chain does not have. `pallet_node_authorization` has no
//! benchmarks; it uses upstream's weights. Database access costs are ParityDB's
//! (`frame_support::weights::constants::ParityDbWeight`).

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_collective;
pub mod pallet_timestamp;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
