//! Migrations of the consent pallet's storage, one module per storage version.

/// To version 1: each enterprise's consents in force are indexed by enterprise ([`InForce`],
/// counted in `InForceCount`), so that its deregistration finds them without walking its
/// history.
///
/// [`InForce`]: crate::InForce
pub mod v1 {
	use crate::{migrations::v3::v2::Standing, Config, InForce, InForceCount, Pallet};
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

/// To version 3: the consents in force of each enterprise with each bank are one entry, a list
/// of at most `MaxActiveConsents` numbers ([`InForceWithBank`]), instead of one entry per
/// consent under the name `Standing`. The cap on a pair and the consent check read one entry
/// instead of walking up to nine keys.
///
/// [`InForceWithBank`]: crate::InForceWithBank
pub mod v3 {
	use crate::{Config, InForceWithBank, Pallet};
	use alloc::{collections::BTreeMap, vec::Vec};
	use banktax_primitives::{ConsentId, Uscc};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias,
		traits::UncheckedOnRuntimeUpgrade, BoundedVec,
	};

	/// A consent in force with a bank, as version 2 kept it.
	pub type Entry<T> = ((Uscc, <T as frame_system::Config>::AccountId), ConsentId);

	pub(crate) mod v2 {
		use super::*;

		/// One entry per consent in force, by (enterprise, bank) and number.
		#[storage_alias]
		pub type Standing<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			(Uscc, <T as frame_system::Config>::AccountId),
			Twox64Concat,
			ConsentId,
			(),
		>;
	}

	/// Every (enterprise, bank, consent) of `Standing`, in order.
	pub fn standing<T: Config>() -> Vec<Entry<T>> {
		let mut all: Vec<Entry<T>> = v2::Standing::<T>::iter_keys().collect();
		all.sort();
		all
	}

	/// Every (enterprise, bank, consent) of [`InForceWithBank`], in order.
	pub fn in_force_with_banks<T: Config>() -> Vec<Entry<T>> {
		let mut all: Vec<Entry<T>> = InForceWithBank::<T>::iter()
			.flat_map(|(pair, ids)| ids.into_iter().map(move |id| (pair.clone(), id)))
			.collect();
		all.sort();
		all
	}

	/// Gathers each pair's consents into one list, oldest first.
	pub struct Inner<T>(PhantomData<T>);
	impl<T: Config> UncheckedOnRuntimeUpgrade for Inner<T> {
		fn on_runtime_upgrade() -> Weight {
			let entries = standing::<T>();
			let _ = v2::Standing::<T>::clear(u32::MAX, None);
			let mut pairs: BTreeMap<_, Vec<ConsentId>> = BTreeMap::new();
			for (pair, id) in &entries {
				pairs.entry(pair.clone()).or_default().push(*id);
			}
			let written = pairs.len() as u64;
			for (pair, ids) in pairs {
				// `grant_consent` kept every pair within `MaxActiveConsents`, so nothing is cut.
				InForceWithBank::<T>::insert(pair, BoundedVec::truncate_from(ids));
			}
			let read = entries.len() as u64;
			T::DbWeight::get().reads_writes(read, read.saturating_add(written))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(standing::<T>().encode())
		}

		/// Every consent of `Standing` is in its pair's list and nothing else is; `Standing` is
		/// gone.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(before: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<Entry<T>>::decode(&mut &before[..])
				.map_err(|_| "the state kept before the upgrade does not decode")?;
			ensure!(in_force_with_banks::<T>() == before, "a consent in force was lost or added");
			ensure!(v2::Standing::<T>::iter_keys().next().is_none(), "Standing is still there");
			Ok(())
		}
	}

	/// [`Inner`], run once: when the pallet's storage is at version 2, which it leaves at 3.
	pub type MigrateToV3<T> =
		VersionedMigration<2, 3, Inner<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
