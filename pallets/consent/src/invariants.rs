//! What must hold of the pallet's storage after every block: checked by `try-runtime` on live
//! state (`try_state`) and by the unit tests after their call sequences.

use crate::{
	BankTallies, Config, Consents, ConsentsHeld, ConsentsOf, Envelopes, ExpiringAt, InForce,
	InForceCount, InForceWithBank, Pallet,
};
use alloc::collections::BTreeMap;
use banktax_primitives::index_key;
use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Every consent is in both of its indexes and nothing else is; the consents in force are
	/// counted right, within their cap, and those in force with each bank are among them; each
	/// consent's envelope count is its envelopes, which exist only while it is in force; the
	/// banks' tallies count their consents in force and uses; every queued expiry names a
	/// consent.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut consents = 0usize;
		let mut tallies: BTreeMap<T::AccountId, (u32, u64)> = BTreeMap::new();
		for (id, consent) in Consents::<T>::iter() {
			consents += 1;
			ensure!(
				ConsentsOf::<T>::contains_key(consent.enterprise, index_key(id))
					&& ConsentsHeld::<T>::contains_key(&consent.bank, index_key(id)),
				"a consent is missing from its enterprise's or its bank's index"
			);
			let envelopes = Envelopes::<T>::iter_key_prefix(id).count();
			ensure!(envelopes == consent.envelopes as usize, "a consent's envelope count is off");
			let in_force = InForce::<T>::contains_key(consent.enterprise, id);
			ensure!(in_force || envelopes == 0, "envelopes outlive their consent's time in force");
			let tally = tallies.entry(consent.bank.clone()).or_default();
			tally.0 += u32::from(in_force);
			tally.1 = tally.1.saturating_add(consent.uses.into());
		}
		ensure!(
			ConsentsOf::<T>::iter_keys().count() == consents
				&& ConsentsHeld::<T>::iter_keys().count() == consents,
			"an index names a consent that does not exist"
		);
		let mut in_force = BTreeMap::new();
		for (enterprise, id, ()) in InForce::<T>::iter() {
			ensure!(
				Consents::<T>::get(id).is_some_and(|c| c.enterprise == enterprise),
				"a consent in force is not its enterprise's"
			);
			*in_force.entry(enterprise).or_insert(0u32) += 1;
		}
		for (enterprise, count) in &in_force {
			ensure!(
				InForceCount::<T>::get(enterprise) == *count,
				"a count of consents in force is off"
			);
			ensure!(
				*count <= T::MaxConsentsInForce::get(),
				"an enterprise has too many consents in force"
			);
		}
		ensure!(
			InForceCount::<T>::iter().count() == in_force.len(),
			"an enterprise with no consent in force has a count"
		);
		let mut with_banks = 0usize;
		for ((enterprise, bank), ids) in InForceWithBank::<T>::iter() {
			ensure!(!ids.is_empty(), "a pair with no consent in force keeps an entry");
			with_banks += ids.len();
			for id in ids {
				ensure!(
					InForce::<T>::contains_key(enterprise, id)
						&& Consents::<T>::get(id).is_some_and(|c| c.bank == bank),
					"a consent in force with a bank is not in force, or not with that bank"
				);
			}
		}
		// A consent ended by deregistration leaves its bank's list at once and the consents in
		// force once its envelopes are gone.
		ensure!(
			with_banks <= in_force.values().sum::<u32>() as usize,
			"more consents in force with banks than in force"
		);
		for (bank, tally) in BankTallies::<T>::iter() {
			let counted = tallies.get(&bank).copied().unwrap_or_default();
			ensure!(
				(tally.consents_in_force, tally.uses) == counted,
				"a bank's tally does not count its consents as they are"
			);
		}
		for (_, id, ()) in ExpiringAt::<T>::iter() {
			ensure!(Consents::<T>::contains_key(id), "an expiry is queued for no consent");
		}
		Ok(())
	}
}
