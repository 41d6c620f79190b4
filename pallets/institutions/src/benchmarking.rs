//! Benchmarks, each in the worst case: a registry filled to `MaxInstitutions`.

use super::*;
use crate::Pallet as Institutions;
use alloc::{boxed::Box, vec, vec::Vec};
use banktax_primitives::{Role, Uscc};
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;
use sp_runtime::traits::DispatchTransaction;

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

/// Fills the registry with `count` active institutions (keeping the council in step) and
/// returns their numbers.
fn fill<T: Config>(count: u32) -> Vec<InstitutionId> {
	let before = Institutions::<T>::active_governance();
	let ids = (0..count)
		.map(|n| Institutions::<T>::register(application::<T>(n)).expect("benchmark institution"))
		.collect();
	Institutions::<T>::update_council(&before);
	ids
}

fn governance<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn admit() -> Result<(), BenchmarkError> {
		let max = T::MaxInstitutions::get();
		fill::<T>(max - 1);
		let origin = governance::<T>()?;
		let newcomer = Box::new(application::<T>(max - 1));

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, newcomer);

		assert_eq!(Registry::<T>::count(), max);
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let origin = governance::<T>()?;
		let bank = ids[1];

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, bank);

		assert_eq!(Institutions::<T>::institution(bank)?.status, Status::Suspended);
		Ok(())
	}

	#[benchmark]
	fn reinstate() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let bank = ids[1];
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
		let bank = ids[1];

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

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ids[1], validator.clone());

		assert_eq!(Institutions::<T>::institution(ids[1])?.validator, validator);
		Ok(())
	}

	#[benchmark]
	fn set_node() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let origin = governance::<T>()?;
		let node = vec![0xee; banktax_primitives::MAX_NODE_ID_LEN as usize];

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, ids[1], node.clone());

		assert_eq!(Institutions::<T>::institution(ids[1])?.node.into_inner(), node);
		Ok(())
	}

	#[benchmark]
	fn rotate_encryption_key() -> Result<(), BenchmarkError> {
		let ids = fill::<T>(T::MaxInstitutions::get());
		let who = application::<T>(1).governance;

		#[extrinsic_call]
		_(RawOrigin::Signed(who), [0xee; 32]);

		assert_eq!(Institutions::<T>::institution(ids[1])?.encryption_key, [0xee; 32]);
		Ok(())
	}

	#[benchmark]
	fn check_membership() -> Result<(), BenchmarkError> {
		fill::<T>(T::MaxInstitutions::get());
		let who = application::<T>(1).governance;
		let call: T::RuntimeCall = frame_system::Call::<T>::remark { remark: vec![] }.into();
		let info = Default::default();

		#[block]
		{
			CheckMembership::<T>::new()
				.validate_and_prepare(RawOrigin::Signed(who.clone()).into(), &call, &info, 0, 0)
				.map_err(|_| BenchmarkError::Stop("a member's transaction was refused"))?;
		}

		assert!(TransactionsInBlock::<T>::get(&who).is_some());
		Ok(())
	}

	impl_benchmark_test_suite!(Institutions, crate::mock::new_test_ext(), crate::mock::Test);
}
