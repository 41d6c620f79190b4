//! # BankTax Chain runtime API
//!
//! `BankTaxApi` answers the questions institutions ask of the chain, in one call each, at any
//! block: an enterprise's profile (registration, rating history, what it owes across banks, and
//! the first page of its records, consents and loans), the consents a bank holds, a consent with
//! its access log, the loans of a bank, one loan with its schedule, the institution list, the
//! regulator's overview of the market, and, for a bank opening what it was sent, a sealed record
//! and an envelope.
//!
//! **Pages.** Every list that grows with the chain's history is answered a page at a time: a
//! [`Page`] names the first number wanted and how many (at most [`MAX_PAGE_LIMIT`]), and the
//! answer's [`Paged::next`] is where the next page starts (`None` at the end). The regulator's
//! [`Overview`] is not a list of loans but tallies kept as loans and consents change, so it
//! costs the same however many there are.
//!
//! The node serves it as the `banktax_*` JSON-RPC methods (see `docs/rpc.md`); polkadot.js finds
//! it in the metadata as `api.call.bankTaxApi`; anyone can call it with `state_call`. States are
//! those at the block asked about: a consent past its end reads as expired, an offer past its
//! expiry as lapsed, an overdue loan with its days past due, with no transaction needed.
//!
//! The answers are views made for reading, not the storage layout: a record's metadata without
//! its ciphertext in a profile, ids beside the items they number. In JSON (the RPC), names are
//! camelCase, codes and accounts are text, hashes and keys are `0x` hex.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use banktax_primitives::{ConsentId, Period, Rating, RecordId, RecordKind, Uscc};
pub use banktax_primitives::{Page, MAX_PAGE_LIMIT};
use codec::{Codec, Decode, Encode};
use pallet_consent::{Access, Consent, ConsentState, Delivery};
use pallet_institutions::{Institution, InstitutionId};
use pallet_loans::{Amount, Instalment, Loan, LoanId, LoanState, Stage, Tally};
use pallet_tax_records::{EnterpriseStatus, RecordStatus};
use scale_info::TypeInfo;
use serde::Serialize;

/// Everything the chain holds about one enterprise.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseProfile<AccountId, BlockNumber> {
	pub uscc: Uscc,
	pub status: EnterpriseStatus<BlockNumber>,
	/// The accounts that act for it.
	pub controllers: Vec<AccountId>,
	/// The tax authority that registered it, and when.
	pub registered_by: AccountId,
	pub registered_at: BlockNumber,
	/// Its tax credit rating by year, oldest first (one a year at most).
	pub ratings: Vec<YearRating>,
	/// The first page of its records, every version, in order of attestation
	/// (`recordsOf` reads on).
	pub records: Paged<RecordMeta<AccountId, BlockNumber>>,
	/// The first page of the consents it has granted, in order of grant (`consentsOf`).
	pub consents: Paged<ConsentView<AccountId, BlockNumber>>,
	/// The first page of its loans with every bank, in order of application (`loansOf`).
	pub loans: Paged<LoanView<AccountId, BlockNumber>>,
	/// The outstanding principal of its disbursed loans across all banks, in fen.
	pub exposure: Amount,
}

/// One page of a list, and where the next page starts.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
	pub items: Vec<T>,
	/// The `from` of the next page; `None` when this page is the last.
	pub next: Option<u64>,
}

impl<T> Paged<T> {
	/// A page of `items` made from a pallet's page of listed objects.
	pub fn of<L>((items, next): (Vec<L>, Option<u64>), view: impl FnMut(L) -> T) -> Self {
		Self { items: items.into_iter().map(view).collect(), next }
	}
}

/// The market as the regulator sees it, without a single figure of any enterprise: loans by
/// rating and stage, each bank's book, exposure, defaults, consents in force and uses of data.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview<AccountId> {
	/// Every (rating, stage) with a loan: the rating is the one the loan was applied for on.
	pub loans: Vec<RatingTally>,
	/// Every bank the registry has known, in order of admission.
	pub banks: Vec<BankOverview<AccountId>>,
	/// Outstanding principal across all banks, in fen.
	pub exposure: Amount,
	/// Loans declared defaulted and not written off, with their outstanding principal.
	pub defaulted: Tally,
	/// Loans written off.
	pub written_off: u64,
	/// Consents in force, with all banks.
	pub consents_in_force: u64,
}

/// How many loans applied for on a rating are at a stage.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingTally {
	pub rating: Rating,
	pub stage: Stage,
	#[serde(flatten)]
	pub tally: Tally,
}

/// How many of a bank's loans are at a stage.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageTally {
	pub stage: Stage,
	#[serde(flatten)]
	pub tally: Tally,
}

/// One bank's book: its loans by stage, exposure, consents in force and uses of data.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BankOverview<AccountId> {
	pub institution: InstitutionId,
	/// The account that signs its business (and holds its consents and loans).
	pub bank: AccountId,
	pub active: bool,
	/// Every stage with a loan of this bank.
	pub loans: Vec<StageTally>,
	/// Its loans' outstanding principal, in fen.
	pub exposure: Amount,
	pub consents_in_force: u32,
	/// The uses of consented data it has recorded.
	pub uses: u64,
}

/// A year's tax credit rating, and the annual summary that carries it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct YearRating {
	pub year: u16,
	pub rating: Rating,
	pub record: RecordId,
}

/// A record's public facts: everything but its ciphertext.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordMeta<AccountId, BlockNumber> {
	pub id: RecordId,
	pub period: Period,
	pub kind: RecordKind,
	pub schema_version: u16,
	/// 1 for the first attestation, one more for each amendment.
	pub version: u32,
	/// The version this one amends.
	pub previous: Option<RecordId>,
	/// In clear, for annual summaries only.
	pub rating: Option<Rating>,
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub commitment: [u8; 32],
	/// The sealed record's size in bytes.
	pub sealed_len: u32,
	pub attested_by: AccountId,
	pub attested_at: BlockNumber,
	pub status: RecordStatus<AccountId, BlockNumber>,
}

/// An attested record with its ciphertext: what a bank opens with the data key an envelope
/// carries, and checks against the commitment.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedRecord<AccountId, BlockNumber> {
	pub enterprise: Uscc,
	#[serde(flatten)]
	pub meta: RecordMeta<AccountId, BlockNumber>,
	#[serde(serialize_with = "banktax_primitives::text::hex")]
	pub ciphertext: Vec<u8>,
}

/// A consent, numbered, with its state at the block asked about.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentView<AccountId, BlockNumber> {
	pub id: ConsentId,
	pub state: ConsentState<BlockNumber>,
	pub consent: Consent<AccountId, BlockNumber>,
}

/// A consent with its access log: the bank's most recent uses (the whole trail is in the
/// `AccessRecorded` events; `consent.uses` counts every use).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentDetail<AccountId, BlockNumber> {
	#[serde(flatten)]
	pub view: ConsentView<AccountId, BlockNumber>,
	pub access_log: Vec<Access<BlockNumber>>,
}

/// A loan, numbered, with its state at the block asked about.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoanView<AccountId, BlockNumber> {
	pub id: LoanId,
	pub state: LoanState<BlockNumber>,
	/// Days since the oldest unpaid instalment fell due, while overdue.
	pub days_past_due: Option<u32>,
	/// Principal disbursed and not yet repaid (or written off), in fen.
	pub outstanding: Amount,
	pub loan: Loan<AccountId, BlockNumber>,
}

/// A loan with its repayment schedule, once disbursed.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoanDetail<AccountId, BlockNumber> {
	#[serde(flatten)]
	pub view: LoanView<AccountId, BlockNumber>,
	pub schedule: Vec<Instalment<BlockNumber>>,
}

/// An institution, numbered.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstitutionView<AccountId, BlockNumber> {
	pub id: InstitutionId,
	#[serde(flatten)]
	pub institution: Institution<AccountId, BlockNumber>,
}

sp_api::decl_runtime_apis! {
	/// BankTax Chain's reads, for institutions' systems and tools: `banktax_*` over JSON-RPC,
	/// `api.call.bankTaxApi` in polkadot.js.
	///
	/// Version 2: lists are paged; `recordsOf`, `consentsOf`, `loansOf` and `overview`.
	#[api_version(2)]
	pub trait BankTaxApi<AccountId, BlockNumber> where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// The enterprise `uscc` with the first page of each of its lists; `None` if it was
		/// never registered.
		fn enterprise_profile(uscc: Uscc) -> Option<EnterpriseProfile<AccountId, BlockNumber>>;

		/// A page of the records of `uscc`, every version, in order of attestation.
		fn records_of(uscc: Uscc, page: Page) -> Paged<RecordMeta<AccountId, BlockNumber>>;

		/// A page of the consents `uscc` has granted, in order of grant.
		fn consents_of(uscc: Uscc, page: Page) -> Paged<ConsentView<AccountId, BlockNumber>>;

		/// A page of the loans of `uscc` with every bank, in order of application.
		fn loans_of(uscc: Uscc, page: Page) -> Paged<LoanView<AccountId, BlockNumber>>;

		/// A page of the consents `bank` has been granted, in order of grant.
		fn consents_held(bank: AccountId, page: Page) -> Paged<ConsentView<AccountId, BlockNumber>>;

		/// The consent `id` with its access log; `None` if there is no such consent.
		fn consent(id: ConsentId) -> Option<ConsentDetail<AccountId, BlockNumber>>;

		/// A page of the loans `bank` has been asked for, in order of application.
		fn loans_of_bank(bank: AccountId, page: Page) -> Paged<LoanView<AccountId, BlockNumber>>;

		/// The loan `id` with its schedule; `None` if there is no such loan.
		fn loan(id: LoanId) -> Option<LoanDetail<AccountId, BlockNumber>>;

		/// Every institution the registry has known, in order of admission.
		fn institutions() -> Vec<InstitutionView<AccountId, BlockNumber>>;

		/// The record `id` with its ciphertext; `None` if there is no such record.
		fn sealed_record(id: RecordId) -> Option<SealedRecord<AccountId, BlockNumber>>;

		/// The envelope for `record` under `consent`, while the consent is active.
		fn envelope(consent: ConsentId, record: RecordId) -> Option<Delivery<AccountId, BlockNumber>>;

		/// The regulator's overview: tallies, read in one pass bounded by the registry's size.
		fn overview() -> Overview<AccountId>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use banktax_primitives::{DataScope, DisclosureLevel, Purpose};
	use pallet_consent::Party;

	fn consent() -> Consent<u64, u32> {
		Consent {
			enterprise: Uscc::parse(b"91350100M000100Y43").expect("a real code"),
			granted_by: 7,
			bank: 2,
			purpose: Purpose::CreditAssessment,
			scope: DataScope {
				kinds: vec![RecordKind::AnnualSummary].try_into().expect("one kind"),
				first_year: 2024,
				last_year: 2025,
			},
			disclosure: DisclosureLevel::WholeRecords,
			notice: [0xab; 32],
			granted_at: 10,
			expires_at: 100,
			withdrawal: None,
			envelopes: 1,
			uses: 0,
		}
	}

	#[test]
	fn views_read_in_json_as_the_rpc_documents_them() {
		let detail = ConsentDetail {
			view: ConsentView {
				id: 3,
				state: ConsentState::Withdrawn { party: Party::Enterprise, at: 50 },
				consent: consent(),
			},
			access_log: vec![Access {
				number: 1,
				record: 4,
				purpose: Purpose::CreditAssessment,
				at: 20,
			}],
		};
		let json = serde_json::to_value(&detail).expect("serializable");
		assert_eq!(json["id"], 3);
		assert_eq!(
			json["state"],
			serde_json::json!({ "withdrawn": { "party": "enterprise", "at": 50 } })
		);
		assert_eq!(json["consent"]["enterprise"], "91350100M000100Y43");
		assert_eq!(json["consent"]["notice"], format!("0x{}", "ab".repeat(32)));
		assert_eq!(json["consent"]["scope"]["kinds"], serde_json::json!(["annualSummary"]));
		assert_eq!(json["consent"]["disclosure"], "wholeRecords");
		assert_eq!(json["accessLog"][0]["purpose"], "creditAssessment");
	}

	#[test]
	fn views_survive_scale_as_api_call_decodes_them() {
		let view = ConsentView { id: 1, state: ConsentState::Active, consent: consent() };
		let bytes = view.encode();
		assert_eq!(ConsentView::<u64, u32>::decode(&mut &bytes[..]), Ok(view));
	}
}
