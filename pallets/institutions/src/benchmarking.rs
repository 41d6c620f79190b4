//! Benchmarks, each in the worst case: a registry filled to `MaxInstitutions`.

use super::*;
use crate::Pallet as Institutions;
use alloc::{boxed::Box, vec, vec::Vec};
use banktax_primitives::{BudgetHolder, Role, Uscc};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get, Hooks};
use frame_system::RawOrigin;
use sp_runtime::traits::{DispatchTransaction, Dispatchable};

/// The application of the `n`th benchmark institution: the first is a tax authority, the
/// others banks; every field distinct.
fn application<T: Config>(n: u32) -> Application<T::AccountId> {
	let first = alloc::format!("911100000{n:08}");
	let first: [u8; 17] = first.as_bytes().try_into().expect("17 characters");
	let uscc = *Uscc::complete(&first).expect("digits are code characters").as_bytes();
	let mut node = vec![0u8; banktax_primitives::MAX_NODE_ID_LEN as usize];
	node[..4].copy_from_slice(&n.to_le_bytes());
	Application {
		role: if n == 0 { Role::TaxAuthority } else { Role::Bank },
		legal_name: vec![b'n'; MAX_LEGAL_NAME_LEN as usize],
		uscc,
		governance: account("governance", n, 0),
		validator: account("validator", n, 0),
		node,
		encryption_key: [n as u8; 32],
	}
}

/// Adds active institutions whose validators have session keys (keeping the council in step)
/// until the registry holds `total`, genesis founders included; returns the numbers of those
/// added.
fn fill<T: Config>(total: u32) -> Vec<InstitutionId> {
	let before = Institutions::<T>::active_governance();
	let added = total.saturating_sub(Registry::<T>::count());
	let ids = (0..added)
		.map(|n| {
			let application = application::<T>(n);
			T::SessionKeys::set_session_keys(&application.validator);
			Institutions::<T>::register(application).expect("benchmark institution")
		})
		.collect();
	Institutions::<T>::update_council(&before);
	ids
}

/// A bank among the institutions `fill` added.
fn bank(ids: &[InstitutionId]) -> Result<InstitutionId, BenchmarkError> {
	ids.get(1).copied().ok_or(BenchmarkError::Stop("MaxInstitutions leaves no room for a bank"))
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

/// Fills the registry and makes `who`'s institution or enterprise have spent some of its budget
/// in this block already, so that admitting one more transaction is the membership check's
/// common case: a read and a write of the budget.
fn member_with_a_spent_budget<T: Config>(
	who: &T::AccountId,
) -> Result<BudgetHolder, BenchmarkError> {
	fill::<T>(T::MaxInstitutions::get());
	let holder = Institutions::<T>::signer(who)
		.ok_or(BenchmarkError::Stop("the signer is not a member"))?
		.budget_holder();
	let now = frame_system::Pallet::<T>::block_number();
	SpentInBlock::<T>::insert(holder, (now, Usage::default()));
	Ok(holder)
}

/// The membership check's work on one transaction, as a block applies it.
fn admit_signed<T: Config + Send + Sync>(
	who: &T::AccountId,
	call: &T::RuntimeCall,
) -> Result<(), BenchmarkError>
where
	T::RuntimeCall: banktax_primitives::SignedBy
		+ Dispatchable<
			Info = frame_support::dispatch::DispatchInfo,
			PostInfo = frame_support::dispatch::PostDispatchInfo,
		>,
{
	CheckMembership::<T>::new()
		.validate_and_prepare(
			RawOrigin::Signed(who.clone()).into(),
			call,
			&Default::default(),
			0,
			0,
		)
		.map(|_| ())
		.map_err(|_| BenchmarkError::Stop("a member's transaction was refused"))
}

#[benchmarks(where
	T: Send + Sync,
	T::RuntimeCall: banktax_primitives::SignedBy
		+ Dispatchable<
			Info = frame_support::dispatch::DispatchInfo,
			PostInfo = frame_support::dispatch::PostDispatchInfo,
		>,
)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn admit() -> Result<(), BenchmarkError> {
		let max = T::MaxInstitutions::get();
		let added = fill::<T>(max - 1).len() as u32;
		let origin = governance::<T>()?;
		let newcomer = Box::new(application::<T>(added));

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, newcomer);

		assert_eq!(Registry::<T>::count(), max);
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let origin = governance::<T>()?;
		let bank = bank(&ids)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bank);

		assert_eq!(Institutions::<T>::institution(bank)?.status, Status::Suspended);
		Ok(())
	}

	#[benchmark]
	fn reinstate() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let bank = bank(&ids)?;
		Institutions::<T>::suspend(governance::<T>()?, bank)?;
		let origin = governance::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bank);

		assert_eq!(Institutions::<T>::institution(bank)?.status, Status::Active);
		Ok(())
	}

	#[benchmark]
	fn remove() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let origin = governance::<T>()?;
		let bank = bank(&ids)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bank);

		assert_eq!(Institutions::<T>::institution(bank)?.status, Status::Removed);
		Ok(())
	}

	#[benchmark]
	fn set_validator() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let origin = governance::<T>()?;
		let validator: T::AccountId = account("new validator", 0, 0);
		let bank = bank(&ids)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bank, validator.clone());

		assert_eq!(Institutions::<T>::institution(bank)?.validator, validator);
		Ok(())
	}

	#[benchmark]
	fn set_node() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let origin = governance::<T>()?;
		let node = vec![0xee; banktax_primitives::MAX_NODE_ID_LEN as usize];
		let bank = bank(&ids)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bank, node.clone());

		assert_eq!(Institutions::<T>::institution(bank)?.node.into_inner(), node);
		Ok(())
	}

	#[benchmark]
	fn rotate_encryption_key() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let who = application::<T>(1).governance;

		#[extrinsic_call]
		_(RawOrigin::Signed(who), [0xee; 32]);

		assert_eq!(Institutions::<T>::institution(bank(&ids)?)?.encryption_key, [0xee; 32]);
		Ok(())
	}

	/// A call that a validator account may sign, by a validator account: the worst path of an
	/// institution's call (its governance account is looked up first, and this is not it).
	#[benchmark]
	fn check_validator_membership() -> Result<(), BenchmarkError> {
		let who = application::<T>(1).validator;
		let call = T::BenchmarkHelper::validator_call();
		let holder = member_with_a_spent_budget::<T>(&who)?;

		#[block]
		{
			admit_signed::<T>(&who, &call)?;
		}

		assert_eq!(SpentInBlock::<T>::get(holder).map(|(_, spent)| spent.transactions), Some(1));
		Ok(())
	}

	/// A call that only governance accounts sign, by one: found by the first lookup.
	#[benchmark]
	fn check_institution_membership() -> Result<(), BenchmarkError> {
		let who = application::<T>(1).governance;
		let call = T::BenchmarkHelper::validator_call();
		let holder = member_with_a_spent_budget::<T>(&who)?;

		#[block]
		{
			admit_signed::<T>(&who, &call)?;
		}

		assert_eq!(SpentInBlock::<T>::get(holder).map(|(_, spent)| spent.transactions), Some(1));
		Ok(())
	}

	/// A call that only enterprises sign, by an enterprise's controller.
	#[benchmark]
	fn check_enterprise_membership() -> Result<(), BenchmarkError> {
		let who = T::BenchmarkHelper::enterprise_controller();
		let call = T::BenchmarkHelper::enterprise_call();
		let holder = member_with_a_spent_budget::<T>(&who)?;

		#[block]
		{
			admit_signed::<T>(&who, &call)?;
		}

		assert_eq!(SpentInBlock::<T>::get(holder).map(|(_, spent)| spent.transactions), Some(1));
		Ok(())
	}

	/// Clearing `n` budgets spent in the block before, up to the most one block may clear.
	#[benchmark]
	fn clear_spent_budgets(n: Linear<0, MAX_BUDGETS_CLEARED_PER_BLOCK>) {
		let now = frame_system::Pallet::<T>::block_number();
		for id in 0..n {
			SpentInBlock::<T>::insert(BudgetHolder::Institution(id), (now, Usage::default()));
		}
		let next = now + sp_runtime::traits::One::one();
		frame_system::Pallet::<T>::set_block_number(next);

		#[block]
		{
			Institutions::<T>::on_initialize(next);
		}

		// At least the limit is gone (on a database; in a test's memory, all of it).
		let left = SpentInBlock::<T>::iter().count() as u32;
		assert!(left <= n.saturating_sub(T::MaxBudgetsClearedPerBlock::get()));
	}

	impl_benchmark_test_suite!(Institutions, crate::mock::new_test_ext(), crate::mock::Test);
}
