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

/// To version 2: [`ConsentsOf`] and [`ConsentsHeld`] keep consent numbers as ordered keys, so
/// that they are read a page at a time, and [`BankTallies`] counts each bank's consents in
/// force and recorded uses.
///
/// [`ConsentsOf`]: crate::ConsentsOf
/// [`ConsentsHeld`]: crate::ConsentsHeld
/// [`BankTallies`]: crate::BankTallies
pub mod v2 {
	use crate::{BankTallies, Config, Consents, ConsentsHeld, ConsentsOf, InForce, Pallet};
	use banktax_primitives::{reindex, ConsentId, Uscc};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};
	use sp_runtime::Saturating;

	mod v1 {
		use super::*;

		/// The indexes as version 1 kept them: numbers under a hash, in no useful order.
		#[storage_alias]
		pub type ConsentsOf<T: Config> =
			StorageDoubleMap<Pallet<T>, Blake2_128Concat, Uscc, Twox64Concat, ConsentId, ()>;
		#[storage_alias]
		pub type ConsentsHeld<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Twox64Concat,
			ConsentId,
			(),
		>;
	}

	/// Keys both indexes again and counts the banks' tallies from the consents.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			let of = reindex(
				v1::ConsentsOf::<T>::iter_keys(),
				|| drop(v1::ConsentsOf::<T>::clear(u32::MAX, None)),
				|enterprise, key| ConsentsOf::<T>::insert(enterprise, key, ()),
			);
			let held = reindex(
				v1::ConsentsHeld::<T>::iter_keys(),
				|| drop(v1::ConsentsHeld::<T>::clear(u32::MAX, None)),
				|bank, key| ConsentsHeld::<T>::insert(bank, key, ()),
			);
			let mut consents = 0u64;
			for (id, consent) in Consents::<T>::iter() {
				consents.saturating_inc();
				let in_force = InForce::<T>::contains_key(consent.enterprise, id);
				BankTallies::<T>::mutate(&consent.bank, |tally| {
					tally.uses = tally.uses.saturating_add(consent.uses.into());
					if in_force {
						tally.consents_in_force.saturating_inc();
					}
				});
			}
			let n = of.saturating_add(held);
			T::DbWeight::get().reads_writes(
				n.saturating_add(consents.saturating_mul(3)),
				n.saturating_mul(2).saturating_add(consents),
			)
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 1, which it leaves at 2.
	pub type MigrateToV2<T> =
		VersionedMigration<1, 2, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
