//! The answers of `BankTaxApi`, assembled from the pallets' own reads. Every state is the one
//! at the block the API is called at (the pallets' reads compute it from the block number).

use alloc::vec::Vec;
use banktax_primitives::{ConsentId, Page, RecordId, Role, Uscc};
use banktax_runtime_api::{
	BankOverview, ConsentDetail, ConsentView, EnterpriseProfile, InstitutionView, LoanDetail,
	LoanView, Overview, Paged, RatingTally, RecordMeta, SealedRecord, StageTally, YearRating,
};
use pallet_consent::DeliveryOf;
use pallet_institutions::Status;
use pallet_loans::Stage;
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
	let first = Page::default();
	Some(Profile {
		uscc,
		status: enterprise.status,
		controllers: enterprise.controllers.into_inner(),
		registered_by: enterprise.registered_by,
		registered_at: enterprise.registered_at,
		ratings,
		records: records_of(uscc, first),
		consents: consents_of(uscc, first),
		loans: loans_of(uscc, first),
		exposure: Loans::exposure(&uscc),
	})
}

pub fn records_of(uscc: Uscc, page: Page) -> Paged<RecordMeta<AccountId, BlockNumber>> {
	Paged::of(TaxRecords::records_of(&uscc, &page), |(id, record)| meta(id, &record))
}

pub fn consents_of(uscc: Uscc, page: Page) -> Paged<ConsentView<AccountId, BlockNumber>> {
	Paged::of(Consent::consents_of(&uscc, &page), consent_view)
}

pub fn loans_of(uscc: Uscc, page: Page) -> Paged<LoanView<AccountId, BlockNumber>> {
	Paged::of(Loans::loans_of(&uscc, &page), loan_view)
}

pub fn consents_held(bank: AccountId, page: Page) -> Paged<ConsentView<AccountId, BlockNumber>> {
	Paged::of(Consent::consents_held(&bank, &page), consent_view)
}

pub fn consent(id: ConsentId) -> Option<ConsentDetail<AccountId, BlockNumber>> {
	let (consent, state, log) = Consent::consent(id)?;
	Some(ConsentDetail { view: ConsentView { id, state, consent }, access_log: log.into_inner() })
}

pub fn loans_of_bank(bank: AccountId, page: Page) -> Paged<LoanView<AccountId, BlockNumber>> {
	Paged::of(Loans::loans_of_bank(&bank, &page), loan_view)
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

/// Reads the loan tallies once (at most 5 ratings × 10 stages) and, for each bank in the
/// registry (at most `MAX_INSTITUTIONS`), its 10 stage tallies and its consent tally.
pub fn overview() -> Overview<AccountId> {
	let loans: Vec<RatingTally> = Loans::tallies_by_rating()
		.into_iter()
		.map(|(rating, stage, tally)| RatingTally { rating, stage, tally })
		.collect();
	let banks: Vec<BankOverview<AccountId>> = Institutions::institutions()
		.into_iter()
		.filter(|(_, institution)| institution.role == Role::Bank)
		.map(|(id, institution)| bank_overview(id, institution.governance, institution.status))
		.collect();
	let at = |stage: Stage| loans.iter().filter(move |t| t.stage == stage).map(|t| t.tally);
	let defaulted =
		at(Stage::Defaulted).fold(Default::default(), |mut sum: pallet_loans::Tally, t| {
			sum.loans = sum.loans.saturating_add(t.loans);
			sum.outstanding = sum.outstanding.saturating_add(t.outstanding);
			sum
		});
	Overview {
		exposure: loans.iter().fold(0, |sum, t| sum.saturating_add(t.tally.outstanding)),
		defaulted,
		written_off: at(Stage::WrittenOff).fold(0, |sum, t| sum.saturating_add(t.loans)),
		consents_in_force: banks
			.iter()
			.fold(0, |sum, b| sum.saturating_add(u64::from(b.consents_in_force))),
		loans,
		banks,
	}
}

fn bank_overview(
	institution: pallet_institutions::InstitutionId,
	bank: AccountId,
	status: Status,
) -> BankOverview<AccountId> {
	let loans: Vec<StageTally> = Loans::tallies_of_bank(&bank)
		.into_iter()
		.map(|(stage, tally)| StageTally { stage, tally })
		.collect();
	let consents = Consent::bank_tally(&bank);
	BankOverview {
		institution,
		active: status == Status::Active,
		exposure: loans.iter().fold(0, |sum, t| sum.saturating_add(t.tally.outstanding)),
		loans,
		consents_in_force: consents.consents_in_force,
		uses: consents.uses,
		bank,
	}
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
