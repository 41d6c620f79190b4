//! Migrations of the registry's storage, one module per storage version.

/// To version 1: budgets per institution and enterprise replace transaction counts per account,
/// and node changes are the council's alone.
pub mod v1 {
	use crate::{Config, Pallet};
	use banktax_primitives::NodeAuthorization;
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;

	/// Version 0's count of an account's signed transactions in a block, `(block, count)`:
	/// dead once budgets count per institution and enterprise (`SpentInBlock`).
	#[frame_support::storage_alias]
	pub type TransactionsInBlock<T: Config> = StorageMap<
		Pallet<T>,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		(BlockNumberFor<T>, u32),
	>;

	/// Removes version 0's counts, and the claims on nodes and extra connections that members
	/// made by signed calls, which no longer exist, without a vote.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			// One entry per account that has signed since genesis: a one-off cost.
			let counts = TransactionsInBlock::<T>::clear(u32::MAX, None).backend;
			let nodes = T::Nodes::forget_unvoted();
			let removed = u64::from(counts).saturating_add(u64::from(nodes));
			T::DbWeight::get().reads_writes(removed.saturating_add(1), removed)
		}
	}

	/// [`Inner`], run once: when the registry's storage is at version 0, which it leaves at 1.
	pub type MigrateToV1<T> =
		VersionedMigration<0, 1, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
