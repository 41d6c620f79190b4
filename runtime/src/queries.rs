//! The answers of `BankTaxApi`, assembled from the pallets' own reads. Every state is the one
//! at the block the API is called at (the pallets' reads compute it from the block number).

use alloc::vec::Vec;
use banktax_primitives::{ConsentId, RecordId, Uscc};
use banktax_runtime_api::{
	ConsentDetail, ConsentView, EnterpriseProfile, InstitutionView, LoanDetail, LoanView,
	RecordMeta, SealedRecord, YearRating,
};
use pallet_consent::DeliveryOf;
use pallet_loans::{ListedLoan, LoanId};
use pallet_tax_records::RecordOf;

use super::{AccountId, BlockNumber, Consent, Institutions, Loans, Runtime, System, TaxRecords};

type Profile = EnterpriseProfile<AccountId, BlockNumber>;

pub fn enterprise_profile(uscc: Uscc) -> Option<Profile> {
	let enterprise = TaxRecords::enterprise(&uscc)?;
	let ratings = TaxRecords::ratings_of(&uscc)
		.into_iter()
		.map(|(year, rating, record)| YearRating { year, rating, record })
		.collect();
	let records =
		TaxRecords::records_of(&uscc, None, None).into_iter().map(|(id, r)| meta(id, &r)).collect();
	let consents = Consent::consents_of(&uscc).into_iter().map(consent_view).collect();
	let loans = Loans::loans_of(&uscc).into_iter().map(loan_view).collect();
	Some(Profile {
		uscc,
		status: enterprise.status,
		controllers: enterprise.controllers.into_inner(),
		registered_by: enterprise.registered_by,
		registered_at: enterprise.registered_at,
		ratings,
		records,
		consents,
		loans,
		exposure: Loans::exposure(&uscc),
	})
}

pub fn consents_held(bank: AccountId) -> Vec<ConsentView<AccountId, BlockNumber>> {
	Consent::consents_held(&bank).into_iter().map(consent_view).collect()
}

pub fn consent(id: ConsentId) -> Option<ConsentDetail<AccountId, BlockNumber>> {
	let (consent, state, log) = Consent::consent(id)?;
	Some(ConsentDetail { view: ConsentView { id, state, consent }, access_log: log.into_inner() })
}

pub fn loans_of_bank(bank: AccountId) -> Vec<LoanView<AccountId, BlockNumber>> {
	Loans::loans_of_bank(&bank).into_iter().map(loan_view).collect()
}

pub fn loan(id: LoanId) -> Option<LoanDetail<AccountId, BlockNumber>> {
	let (loan, state, schedule) = Loans::loan(id)?;
	Some(LoanDetail {
		view: loan_view((id, loan, state)),
		schedule: schedule.map(|s| s.into_inner()).unwrap_or_default(),
	})
}

pub fn institutions() -> Vec<InstitutionView<AccountId, BlockNumber>> {
	Institutions::institutions()
		.into_iter()
		.map(|(id, institution)| InstitutionView { id, institution })
		.collect()
}

pub fn sealed_record(id: RecordId) -> Option<SealedRecord<AccountId, BlockNumber>> {
	let record = pallet_tax_records::Records::<Runtime>::get(id)?;
	Some(SealedRecord {
		enterprise: record.enterprise,
		meta: meta(id, &record),
		ciphertext: record.ciphertext.into_inner(),
	})
}

pub fn envelope(consent: ConsentId, record: RecordId) -> Option<DeliveryOf<Runtime>> {
	Consent::envelope(consent, record)
}

fn meta(id: RecordId, record: &RecordOf<Runtime>) -> RecordMeta<AccountId, BlockNumber> {
	RecordMeta {
		id,
		period: record.period,
		kind: record.kind,
		schema_version: record.schema_version,
		version: record.version,
		previous: record.previous,
		rating: record.rating,
		commitment: record.commitment,
		sealed_len: record.ciphertext.len().try_into().unwrap_or(u32::MAX),
		attested_by: record.attested_by.clone(),
		attested_at: record.attested_at,
		status: record.status.clone(),
	}
}

fn consent_view(
	(id, consent, state): pallet_consent::ListedConsent<Runtime>,
) -> ConsentView<AccountId, BlockNumber> {
	ConsentView { id, state, consent }
}

fn loan_view((id, loan, state): ListedLoan<Runtime>) -> LoanView<AccountId, BlockNumber> {
	let days_past_due = Loans::days_past_due(&loan, System::block_number());
	LoanView { id, state, days_past_due, outstanding: loan.outstanding(), loan }
}
