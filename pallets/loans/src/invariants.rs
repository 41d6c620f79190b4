//! What must hold of the pallet's storage after every block: checked by `try-runtime` on live
//! state (`try_state`) and by the unit tests after their call sequences.

use crate::{
	BankTallies, DueChecks, Exposure, LoanState, Loans, LoansByBank, LoansOf, Pallet, Products,
	ProductsInForce, RatingTallies, Tally,
};
use alloc::collections::BTreeMap;
use banktax_primitives::index_key;
use frame_support::ensure;
use sp_runtime::TryRuntimeError;

impl<T: crate::Config> Pallet<T> {
	/// Every loan is in both of its indexes and nothing else is; each enterprise's exposure is
	/// the outstanding principal of its disbursed loans; the tallies count the loans as they
	/// are; each bank's products in force are its products not retired; every due check is
	/// queued for a loan being repaid; rule answers belong to loans under products with rules,
	/// and their proof numbers were taken.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut loans = 0usize;
		let mut exposure = BTreeMap::new();
		let mut by_rating = BTreeMap::new();
		let mut by_bank = BTreeMap::new();
		for (id, loan) in Loans::<T>::iter() {
			loans += 1;
			ensure!(
				LoansOf::<T>::contains_key(loan.enterprise, index_key(id))
					&& LoansByBank::<T>::contains_key(&loan.bank, index_key(id)),
				"a loan is missing from its enterprise's or its bank's index"
			);
			let (stage, outstanding) = loan.standing();
			let owed: &mut u128 = exposure.entry(loan.enterprise).or_default();
			*owed = owed.saturating_add(outstanding);
			by_rating
				.entry((loan.rating as u8, stage))
				.or_insert_with(Tally::default)
				.add(outstanding);
			by_bank
				.entry((loan.bank.clone(), stage))
				.or_insert_with(Tally::default)
				.add(outstanding);
		}
		ensure!(
			LoansOf::<T>::iter_keys().count() == loans
				&& LoansByBank::<T>::iter_keys().count() == loans,
			"an index names a loan that does not exist"
		);
		for (enterprise, owed) in Exposure::<T>::iter() {
			ensure!(
				exposure.get(&enterprise) == Some(&owed),
				"an exposure is not its loans' outstanding principal"
			);
		}
		ensure!(
			exposure.iter().all(|(e, owed)| *owed == 0 || Exposure::<T>::get(e) == *owed),
			"an enterprise owes principal its exposure does not count"
		);
		let tallied: BTreeMap<_, _> = RatingTallies::<T>::iter()
			.filter(|(.., t)| t.loans > 0)
			.map(|(rating, stage, t)| ((rating as u8, stage), t))
			.collect();
		ensure!(tallied == by_rating, "the rating tallies do not count the loans as they are");
		let tallied: BTreeMap<_, _> = BankTallies::<T>::iter()
			.filter(|(.., t)| t.loans > 0)
			.map(|(bank, stage, t)| ((bank, stage), t))
			.collect();
		ensure!(tallied == by_bank, "the bank tallies do not count the loans as they are");

		let mut in_force = BTreeMap::new();
		for product in Products::<T>::iter_values().filter(|p| !p.retired) {
			*in_force.entry(product.bank).or_insert(0u32) += 1;
		}
		for (bank, count) in ProductsInForce::<T>::iter() {
			ensure!(
				in_force.get(&bank).copied().unwrap_or(0) == count,
				"a bank's products in force are not its products not retired"
			);
		}
		ensure!(
			in_force.values().sum::<u32>() == ProductsInForce::<T>::iter_values().sum::<u32>(),
			"a bank with products in force has no count"
		);
		for (_, id, ()) in DueChecks::<T>::iter() {
			ensure!(
				Loans::<T>::get(id).is_some_and(|loan| loan.state == LoanState::Repaying),
				"a due check is queued for a loan not being repaid"
			);
		}
		for (id, answers) in crate::Answers::<T>::iter() {
			let loan = Loans::<T>::get(id).ok_or("rule answers are kept for no loan")?;
			let stated =
				Products::<T>::get(loan.product).is_some_and(|p| !p.terms.rules.is_empty());
			ensure!(
				stated && crate::ProofNonces::<T>::get(loan.enterprise) > answers.nonce,
				"rule answers are kept for a loan under a product without rules, or with a \
				 proof number not yet taken"
			);
		}
		Ok(())
	}
}
