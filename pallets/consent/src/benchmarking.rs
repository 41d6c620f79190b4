//! Benchmarks, each in its worst case: the widest scope with the most chosen fields, a full
//! standing index, a full access log, the most envelopes to remove.

use super::*;
use alloc::{vec, vec::Vec};
use banktax_primitives::InstitutionInspect;
use banktax_primitives::{
	privacy::{self, FieldKey, MAX_ENVELOPE_LEN},
	ConsentId, DataScope, DisclosureLevel, Purpose, RecordId, RecordKind, Uscc, LAST_YEAR,
};
use frame_benchmarking::v2::*;
use frame_support::traits::{Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::Saturating;

const YEAR: u16 = 2025;

fn all_kinds() -> Vec<RecordKind> {
	vec![
		RecordKind::VatReturn,
		RecordKind::IncomeTaxReturn,
		RecordKind::PaymentCertificate,
		RecordKind::FilingCompliance,
		RecordKind::AnnualSummary,
	]
}

/// Every kind, over every year.
fn widest_scope() -> DataScope {
	DataScope {
		kinds: all_kinds().try_into().unwrap_or_default(),
		first_year: banktax_primitives::FIRST_YEAR,
		last_year: LAST_YEAR,
	}
}

/// Every figure the schema knows: the most work for the disclosure check.
fn every_field() -> DisclosureLevel {
	use FieldKey::*;
	let fields = vec![
		TaxableSales,
		OutputTax,
		InputTax,
		TaxPayable,
		TaxPaid,
		InvoicesIssued,
		Revenue,
		TaxableIncome,
		FilingsDue,
		FilingsOnTime,
		Arrears,
		Penalties,
		CreditScore,
	];
	DisclosureLevel::ChosenFields(fields.try_into().unwrap_or_default())
}

/// An envelope of `len` bytes in the first format, which the chain keeps for records attested
/// before format version 2: the longest there may be.
fn envelope(len: u32) -> Vec<u8> {
	privacy::unopenable_v1(len as usize, &[])
}

fn expiry<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number().saturating_add(T::MaxValidity::get())
}

/// A new enterprise, controlled by the `n`th benchmark controller, grants the bank a consent
/// to whole records; returns its number, the enterprise and the controller.
fn granted<T: Config>(
	n: u32,
	bank: &T::AccountId,
) -> Result<(ConsentId, Uscc, T::AccountId), BenchmarkError> {
	let controller: T::AccountId = account("controller", n, 0);
	let enterprise = T::BenchmarkHelper::enterprise(&controller)?;
	let id = NextConsentId::<T>::get();
	Pallet::<T>::grant_consent(
		RawOrigin::Signed(controller.clone()).into(),
		bank.clone(),
		Purpose::CreditAssessment,
		widest_scope(),
		DisclosureLevel::WholeRecords,
		expiry::<T>(),
		[1; 32],
	)?;
	Ok((id, enterprise, controller))
}

/// Puts `count` envelopes of the largest size in state under `consent`, as deliveries would.
fn stuff_envelopes<T: Config>(consent: ConsentId, count: u32, bank: &T::AccountId) {
	let delivered_by = T::BenchmarkHelper::tax_authority();
	let delivered_at = frame_system::Pallet::<T>::block_number();
	for record in 0..count {
		Envelopes::<T>::insert(
			consent,
			RecordId::from(record),
			Delivery {
				envelope: envelope(MAX_ENVELOPE_LEN).try_into().unwrap_or_default(),
				recipient_key: T::Institutions::encryption_key(bank).unwrap_or_default(),
				delivered_by: delivered_by.clone(),
				delivered_at,
			},
		);
	}
	Consents::<T>::mutate(consent, |entry| {
		if let Some(entry) = entry {
			entry.envelopes = count;
		}
	});
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant_consent() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let (_, _, controller) = granted::<T>(0, &bank)?;
		// All but one of the pair's standing places taken: the count walks them all.
		for _ in 2..T::MaxActiveConsents::get() {
			Pallet::<T>::grant_consent(
				RawOrigin::Signed(controller.clone()).into(),
				bank.clone(),
				Purpose::PostLoanMonitoring,
				widest_scope(),
				DisclosureLevel::WholeRecords,
				expiry::<T>(),
				[1; 32],
			)?;
		}
		let id = NextConsentId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(controller),
			bank,
			Purpose::CreditAssessment,
			widest_scope(),
			every_field(),
			expiry::<T>(),
			[2; 32],
		);

		assert!(Consents::<T>::contains_key(id));
		Ok(())
	}

	#[benchmark]
	fn withdraw_consent(
		e: Linear<0, { T::MaxEnvelopesPerConsent::get() }>,
	) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let (id, _, controller) = granted::<T>(0, &bank)?;
		stuff_envelopes::<T>(id, e, &bank);

		#[extrinsic_call]
		_(RawOrigin::Signed(controller), id);

		assert!(Envelopes::<T>::iter_prefix(id).next().is_none());
		Ok(())
	}

	#[benchmark]
	fn give_up_consent(
		e: Linear<0, { T::MaxEnvelopesPerConsent::get() }>,
	) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let (id, _, _) = granted::<T>(0, &bank)?;
		stuff_envelopes::<T>(id, e, &bank);

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), id);

		assert!(Envelopes::<T>::iter_prefix(id).next().is_none());
		Ok(())
	}

	/// An annual summary's envelope: the longest of format version 2.
	#[benchmark]
	fn deliver_envelope() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let (id, enterprise, _) = granted::<T>(0, &bank)?;
		let record = T::BenchmarkHelper::record(&enterprise, RecordKind::AnnualSummary, YEAR)?;
		let authority = T::BenchmarkHelper::tax_authority();
		let envelope = privacy::unopenable_envelope(RecordKind::AnnualSummary, &[]);

		#[extrinsic_call]
		_(RawOrigin::Signed(authority), id, bank, record, envelope);

		assert!(Envelopes::<T>::contains_key(id, record));
		Ok(())
	}

	#[benchmark]
	fn record_access() -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let (id, enterprise, _) = granted::<T>(0, &bank)?;
		let record = T::BenchmarkHelper::record(&enterprise, RecordKind::AnnualSummary, YEAR)?;
		// A full log: the new use pushes the oldest out.
		for _ in 0..T::MaxLogEntries::get() {
			Pallet::<T>::record_access(
				RawOrigin::Signed(bank.clone()).into(),
				id,
				record,
				Purpose::CreditAssessment,
			)?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(bank), id, record, Purpose::CreditAssessment);

		assert_eq!(
			Consents::<T>::get(id).map(|c| c.uses),
			Some(T::MaxLogEntries::get().saturating_add(1))
		);
		Ok(())
	}

	/// The block-start hook closing `c` expired consents and removing `e` envelopes.
	#[benchmark]
	fn expire_consents(
		c: Linear<1, { T::MaxExpiriesPerBlock::get() }>,
		e: Linear<0, { T::MaxPurgePerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let mut ids = Vec::new();
		for n in 0..c {
			ids.push(granted::<T>(n, &bank)?.0);
		}
		// The envelopes go, as many as one consent may hold, to the first consents.
		let per_consent = T::MaxEnvelopesPerConsent::get().max(1);
		let mut left = e;
		for id in &ids {
			let count = left.min(per_consent);
			stuff_envelopes::<T>(*id, count, &bank);
			left = left.saturating_sub(count);
		}
		let end = expiry::<T>();
		frame_system::Pallet::<T>::set_block_number(end);
		ExpiryCursor::<T>::put(end);

		#[block]
		{
			Pallet::<T>::on_initialize(end);
		}

		assert!(Envelopes::<T>::iter().next().is_none());
		assert!(ids.iter().all(|id| !ExpiringAt::<T>::contains_key(end, id)));
		Ok(())
	}

	/// An enterprise's deregistration ends its `n` consents in force.
	#[benchmark]
	fn end_consents_of(
		n: Linear<1, { T::MaxConsentsInForce::get() }>,
	) -> Result<(), BenchmarkError> {
		let bank = T::BenchmarkHelper::bank();
		let (first, enterprise, _) = granted::<T>(0, &bank)?;
		let consent = Consents::<T>::get(first).ok_or(BenchmarkError::Stop("not granted"))?;
		// As many as one enterprise may have in force; `grant_consent` would stop at
		// `MaxActiveConsents` with one bank, and ending them does not care which bank holds them.
		let mut ids = vec![first];
		for _ in 1..n {
			let id = NextConsentId::<T>::get();
			Consents::<T>::insert(id, consent.clone());
			NextConsentId::<T>::put(id.saturating_add(1));
			InForce::<T>::insert(enterprise, id, ());
			InForceCount::<T>::mutate(enterprise, |count| *count = count.saturating_add(1));
			// Beyond `MaxActiveConsents` the pair's list is full; each end still reads and
			// writes it.
			InForceWithBank::<T>::mutate((enterprise, bank.clone()), |ids| {
				let _ = ids.try_push(id);
			});
			ExpiringAt::<T>::insert(consent.expires_at, id, ());
			ids.push(id);
		}
		let by = T::BenchmarkHelper::tax_authority();

		#[block]
		{
			<Pallet<T> as banktax_primitives::EndConsents<T::AccountId>>::end_consents_of(
				&enterprise,
				&by,
			);
		}

		assert!(ids
			.iter()
			.all(|id| Consents::<T>::get(id).is_some_and(|c| c.withdrawal.is_some())));
		Ok(())
	}

	/// The block-start hook in a block where nothing expires.
	#[benchmark]
	fn expire_nothing() {
		let now = frame_system::Pallet::<T>::block_number();
		ExpiryCursor::<T>::put(now);

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(ExpiryCursor::<T>::get(), now.saturating_add(1u32.into()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
