//! Migrations of the loans pallet's storage, one module per storage version.

/// To version 1: a bank's cap on products counts those in force, kept in [`ProductsInForce`],
/// so that retired products no longer use it up.
///
/// [`ProductsInForce`]: crate::ProductsInForce
pub mod v1 {
	use crate::{Config, Pallet, Products, ProductsInForce};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Saturating;

	/// Counts each bank's products in force.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			// Every product ever published, once: banks publish few.
			let mut reads = 0u64;
			let mut writes = 0u64;
			for product in Products::<T>::iter_values() {
				reads.saturating_inc();
				if !product.retired {
					ProductsInForce::<T>::mutate(&product.bank, |n| n.saturating_inc());
					reads.saturating_inc();
					writes.saturating_inc();
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 0, which it leaves at 1.
	pub type MigrateToV1<T> =
		VersionedMigration<0, 1, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
