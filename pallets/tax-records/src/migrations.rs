//! Migrations of the register's storage, one module per storage version.

/// To version 1: an enterprise's record count counts its current records, not every version it
/// ever had, so that amendments and revocations do not use up its cap.
pub mod v1 {
	use crate::{Config, CurrentRecords, Enterprises, Pallet};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Saturating;

	/// Counts each enterprise's current records again.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			// One pass over the register and its current records: a one-off cost, in one
			// block, which suits a register of up to some hundred thousand enterprises.
			let mut reads = 0u64;
			let mut writes = 0u64;
			Enterprises::<T>::translate::<crate::EnterpriseOf<T>, _>(|code, mut entry| {
				let current = CurrentRecords::<T>::iter_key_prefix(code).count();
				reads = reads.saturating_add(1).saturating_add(current as u64);
				writes.saturating_inc();
				entry.record_count = u32::try_from(current).unwrap_or(u32::MAX);
				Some(entry)
			});
			T::DbWeight::get().reads_writes(reads, writes)
		}
	}

	/// [`Inner`], run once: when the register's storage is at version 0, which it leaves at 1.
	pub type MigrateToV1<T> =
		VersionedMigration<0, 1, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// To version 2: [`RecordsOf`](crate::RecordsOf) keeps record numbers as ordered keys, so that
/// an enterprise's records are read a page at a time.
pub mod v2 {
	use crate::{Config, Pallet, RecordsOf};
	use banktax_primitives::{reindex, RecordId, Uscc};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};

	mod v1 {
		use super::*;

		/// The index as version 1 kept it: numbers under a hash, in no useful order.
		#[storage_alias]
		pub type RecordsOf<T: Config> =
			StorageDoubleMap<Pallet<T>, Blake2_128Concat, Uscc, Twox64Concat, RecordId, ()>;
	}

	/// Keys the index again.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			let n = reindex(
				v1::RecordsOf::<T>::iter_keys(),
				|| drop(v1::RecordsOf::<T>::clear(u32::MAX, None)),
				|enterprise, key| RecordsOf::<T>::insert(enterprise, key, ()),
			);
			T::DbWeight::get().reads_writes(n, n.saturating_mul(2))
		}
	}

	/// [`Inner`], run once: when the register's storage is at version 1, which it leaves at 2.
	pub type MigrateToV2<T> =
		VersionedMigration<1, 2, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
