//! Benchmarks, each in its worst case: most controllers, an annual summary (the longest sealed
//! record of format version 2, which also keeps the rating index), unless a component says how
//! many.

use super::*;
use alloc::vec::Vec;
use banktax_primitives::{
	privacy::{self, SCHEMA_VERSION},
	Period, Rating, RecordId, RecordKind, Uscc, FIRST_YEAR, USCC_LEN,
};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_support::BoundedVec;
use frame_system::RawOrigin;

/// The `n`th benchmark enterprise's code.
fn code(n: u32) -> [u8; USCC_LEN] {
	let first = alloc::format!("913501000{n:08}");
	let first: [u8; USCC_LEN - 1] = first.as_bytes().try_into().unwrap_or([b'9'; USCC_LEN - 1]);
	Uscc::complete(&first).map(|uscc| *uscc.as_bytes()).unwrap_or([b'0'; USCC_LEN])
}

fn controllers<T: Config>(seed: u32, count: u32) -> Vec<T::AccountId> {
	(0..count).map(|i| account("controller", seed, i)).collect()
}

fn summary() -> Attestation {
	Attestation {
		schema_version: SCHEMA_VERSION,
		rating: Some(Rating::A),
		commitment: [0xcd; 32],
		ciphertext: privacy::unopenable_sealed_record(RecordKind::AnnualSummary, &[]),
	}
}

fn monthly() -> Attestation {
	Attestation {
		rating: None,
		ciphertext: privacy::unopenable_sealed_record(RecordKind::VatReturn, &[]),
		..summary()
	}
}

fn registered<T: Config>(authority: &T::AccountId) -> Result<[u8; USCC_LEN], BenchmarkError> {
	nth_registered::<T>(authority, 0)
}

/// The `n`th benchmark enterprise, registered with the most controllers.
fn nth_registered<T: Config>(
	authority: &T::AccountId,
	n: u32,
) -> Result<[u8; USCC_LEN], BenchmarkError> {
	let uscc = code(n);
	let controllers = controllers::<T>(n, T::MaxControllers::get());
	Pallet::<T>::register_enterprise(
		RawOrigin::Signed(authority.clone()).into(),
		uscc,
		controllers,
	)?;
	Ok(uscc)
}

fn attested<T: Config>(authority: &T::AccountId) -> Result<RecordId, BenchmarkError> {
	let uscc = registered::<T>(authority)?;
	let id = NextRecordId::<T>::get();
	Pallet::<T>::attest_record(
		RawOrigin::Signed(authority.clone()).into(),
		uscc,
		Period::Year(2025),
		RecordKind::AnnualSummary,
		summary(),
	)?;
	Ok(id)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_enterprise(c: Linear<1, { T::MaxControllers::get() }>) {
		let authority = T::BenchmarkHelper::tax_authority();
		let controllers = controllers::<T>(0, c);

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), code(0), controllers);

		assert!(Enterprises::<T>::contains_key(Uscc::parse(&code(0)).expect("valid")));
	}

	#[benchmark]
	fn set_controllers(
		o: Linear<1, { T::MaxControllers::get() }>,
		n: Linear<1, { T::MaxControllers::get() }>,
	) -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let uscc = code(0);
		let origin = RawOrigin::Signed(authority.clone());
		Pallet::<T>::register_enterprise(origin.clone().into(), uscc, controllers::<T>(0, o))?;
		let new = controllers::<T>(1, n);

		#[extrinsic_call]
		_(origin, uscc, new.clone());

		assert_eq!(ControllerOf::<T>::get(&new[0]), Uscc::parse(&uscc).ok());
		Ok(())
	}

	#[benchmark]
	fn deregister_enterprise(
		c: Linear<1, { T::MaxControllers::get() }>,
	) -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let uscc = code(0);
		let origin = RawOrigin::Signed(authority.clone());
		Pallet::<T>::register_enterprise(origin.clone().into(), uscc, controllers::<T>(0, c))?;

		#[extrinsic_call]
		_(origin, uscc);

		assert!(ControllerOf::<T>::iter().next().is_none());
		Ok(())
	}

	#[benchmark]
	fn attest_record() -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let uscc = registered::<T>(&authority)?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(authority),
			uscc,
			Period::Year(2025),
			RecordKind::AnnualSummary,
			summary(),
		);

		assert_eq!(NextRecordId::<T>::get(), 1);
		Ok(())
	}

	/// `e` enterprises, with `c` more records spread over them, `r` of all the records annual
	/// summaries (rated), the rest monthly VAT returns.
	#[benchmark]
	fn attest_records(
		e: Linear<1, { T::MaxRecordsPerBatch::get() / 2 }>,
		c: Linear<0, { T::MaxRecordsPerBatch::get() / 2 }>,
		r: Linear<0, { T::MaxRecordsPerBatch::get() / 2 }>,
	) -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let origin = RawOrigin::Signed(authority.clone());
		let mut rated_left = r;
		let mut records = Vec::new();
		for j in 0..e {
			let uscc = nth_registered::<T>(&authority, j)?;
			let own = 1 + c / e + u32::from(j < c % e);
			for k in 0..own {
				let rated = rated_left > 0;
				rated_left = rated_left.saturating_sub(1);
				let year = FIRST_YEAR + k as u16;
				let (period, kind, attestation) = if rated {
					(Period::Year(year), RecordKind::AnnualSummary, summary())
				} else {
					let month = Period::Month { year, month: 1 };
					(month, RecordKind::VatReturn, monthly())
				};
				records.push(BatchedRecord { uscc, period, kind, attestation });
			}
		}
		let count = records.len() as u64;
		let records: BoundedVec<_, T::MaxRecordsPerBatch> =
			records.try_into().map_err(|_| BenchmarkError::Stop("batch too long"))?;

		#[extrinsic_call]
		_(origin, records);

		assert_eq!(NextRecordId::<T>::get(), count);
		Ok(())
	}

	#[benchmark]
	fn amend_record() -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let record = attested::<T>(&authority)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), record, summary());

		assert!(matches!(
			Records::<T>::get(record).map(|r| r.status),
			Some(RecordStatus::Superseded { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn revoke_record() -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let record = attested::<T>(&authority)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), record, RevocationReason::WrongPeriodOrKind);

		assert!(matches!(
			Records::<T>::get(record).map(|r| r.status),
			Some(RecordStatus::Revoked { .. })
		));
		Ok(())
	}

	#[benchmark]
	fn transfer_enterprise() -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let uscc = registered::<T>(&authority)?;
		let enterprise = Uscc::parse(&uscc).map_err(|_| BenchmarkError::Stop("invalid code"))?;
		// In the care of another bureau, to be moved to this one.
		Enterprises::<T>::mutate(enterprise, |entry| {
			if let Some(entry) = entry {
				entry.registered_by = account("other bureau", 0, 0);
			}
		});
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, uscc, authority.clone());

		assert_eq!(Enterprises::<T>::get(enterprise).map(|e| e.registered_by), Some(authority));
		Ok(())
	}

	#[benchmark]
	fn register_key() -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let uscc = registered::<T>(&authority)?;
		let enterprise = Uscc::parse(&uscc).map_err(|_| BenchmarkError::Stop("invalid code"))?;
		let controller = controllers::<T>(0, 1).pop().ok_or(BenchmarkError::Stop("none"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(controller), [0x42; 32]);

		assert_eq!(EnterpriseKeys::<T>::get(enterprise), Some([0x42; 32]));
		Ok(())
	}

	/// `n` annual summaries' envelopes (the longest of format 2), each of another enterprise:
	/// every delivery reads its own register entry and key.
	#[benchmark]
	fn deliver_openings(
		n: Linear<1, { T::MaxRecordsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let authority = T::BenchmarkHelper::tax_authority();
		let origin = RawOrigin::Signed(authority.clone());
		let mut deliveries = Vec::new();
		for j in 0..n {
			let uscc = nth_registered::<T>(&authority, j)?;
			let enterprise =
				Uscc::parse(&uscc).map_err(|_| BenchmarkError::Stop("invalid code"))?;
			EnterpriseKeys::<T>::insert(enterprise, [0x42; 32]);
			let record = NextRecordId::<T>::get();
			Pallet::<T>::attest_record(
				origin.clone().into(),
				uscc,
				Period::Year(2025),
				RecordKind::AnnualSummary,
				summary(),
			)?;
			let envelope = privacy::unopenable_envelope(RecordKind::AnnualSummary, &[])
				.try_into()
				.map_err(|_| BenchmarkError::Stop("an envelope fits"))?;
			deliveries.push((record, envelope));
		}
		let deliveries: BoundedVec<_, T::MaxRecordsPerBatch> =
			deliveries.try_into().map_err(|_| BenchmarkError::Stop("batch too long"))?;

		#[extrinsic_call]
		_(origin, deliveries);

		assert_eq!(OwnEnvelopes::<T>::iter().count() as u32, n);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
