//! Migrations of the consent pallet's storage, one module per storage version.

/// To version 1: each enterprise's consents in force are indexed by enterprise ([`InForce`],
/// counted in `InForceCount`), so that its deregistration finds them without walking its
/// history.
///
/// [`InForce`]: crate::InForce
pub mod v1 {
	use crate::{Config, InForce, InForceCount, Pallet, Standing};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Saturating;

	/// Indexes by enterprise what `Standing` indexes by (enterprise, bank).
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			// The consents in force: at most `MaxConsentsInForce` an enterprise.
			let mut copied = 0u64;
			for ((enterprise, _bank), id, ()) in Standing::<T>::iter() {
				InForce::<T>::insert(enterprise, id, ());
				InForceCount::<T>::mutate(enterprise, |count| count.saturating_inc());
				copied.saturating_inc();
			}
			T::DbWeight::get().reads_writes(copied.saturating_mul(2), copied.saturating_mul(2))
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 0, which it leaves at 1.
	pub type MigrateToV1<T> =
		VersionedMigration<0, 1, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
