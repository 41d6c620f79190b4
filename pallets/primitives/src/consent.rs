//! Consent: what an enterprise lets one bank read, for what, and how much of it.

use crate::{privacy::FieldKey, Period, RecordId, RecordKind, Uscc, FIRST_YEAR, LAST_YEAR};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// A consent's number on the chain.
pub type ConsentId = u64;

/// Why a bank may read: nothing beyond it.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Purpose {
	/// Assessing credit before a loan.
	CreditAssessment,
	/// Monitoring a loan already made.
	PostLoanMonitoring,
}

/// Kinds of record, at most one entry each.
pub type Kinds = BoundedVec<RecordKind, ConstU32<5>>;

/// The records a consent covers: some kinds, over a range of years.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct DataScope {
	/// The kinds of record covered.
	pub kinds: Kinds,
	/// The first year covered.
	pub first_year: u16,
	/// The last year covered.
	pub last_year: u16,
}

impl DataScope {
	/// Whether the scope is well formed: some kinds, none twice, years in order and in range.
	pub fn is_valid(&self) -> bool {
		!self.kinds.is_empty()
			&& all_distinct(&self.kinds)
			&& FIRST_YEAR <= self.first_year
			&& self.first_year <= self.last_year
			&& self.last_year <= LAST_YEAR
	}

	/// Whether a record of `kind` for `period` is in scope.
	pub fn covers(&self, kind: RecordKind, period: &Period) -> bool {
		self.kinds.contains(&kind) && (self.first_year..=self.last_year).contains(&period.year())
	}
}

/// How much of a covered record the bank receives.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
)]
#[serde(rename_all = "camelCase")]
pub enum DisclosureLevel {
	/// Whole records: the data key.
	WholeRecords,
	/// Only these fields, each with its disclosure proof.
	ChosenFields(BoundedVec<FieldKey, ConstU32<{ crate::privacy::MAX_FIELDS }>>),
	/// No figures: only answers to rules checked over the committed values.
	RuleAnswersOnly,
}

/// Whether no item stands twice in `items` (a short list: quadratic, no allocation).
pub fn all_distinct<T: PartialEq>(items: &[T]) -> bool {
	items.iter().enumerate().all(|(i, item)| !items.iter().skip(i + 1).any(|other| other == item))
}

/// What other pallets may ask about consents, without depending on the pallet that keeps them.
pub trait ConsentCheck<AccountId> {
	/// An active consent, at the current block, from `enterprise` to `bank` for `purpose` that
	/// covers `record`; its number if there is one.
	fn active_consent(
		enterprise: &Uscc,
		bank: &AccountId,
		purpose: Purpose,
		record: RecordId,
	) -> Option<ConsentId>;
}

/// What the register tells the consent pallet when an enterprise is deregistered: its consents
/// end, as if withdrawn, so that nothing more is delivered or used under them.
pub trait EndConsents<AccountId> {
	/// Ends every consent `enterprise` has in force, recorded as ended by the deregistration
	/// that `by` (a tax authority) made; returns how many it ended.
	fn end_consents_of(enterprise: &Uscc, by: &AccountId) -> u32;
	/// The most `end_consents_of` may weigh.
	fn max_weight() -> sp_runtime::Weight;
}

#[cfg(test)]
mod tests {
	use super::*;

	fn scope(kinds: &[RecordKind], first_year: u16, last_year: u16) -> DataScope {
		DataScope { kinds: kinds.to_vec().try_into().expect("at most five"), first_year, last_year }
	}

	#[test]
	fn a_scope_covers_its_kinds_in_its_years_only() {
		let scope = scope(&[RecordKind::AnnualSummary, RecordKind::VatReturn], 2023, 2024);
		assert!(scope.is_valid());
		assert!(scope.covers(RecordKind::AnnualSummary, &Period::Year(2023)));
		assert!(scope.covers(RecordKind::VatReturn, &Period::Month { year: 2024, month: 12 }));
		assert!(!scope.covers(RecordKind::VatReturn, &Period::Month { year: 2025, month: 1 }));
		assert!(!scope.covers(RecordKind::AnnualSummary, &Period::Year(2022)));
		assert!(!scope.covers(RecordKind::FilingCompliance, &Period::Year(2023)));
	}

	#[test]
	fn malformed_scopes_are_invalid() {
		assert!(!scope(&[], 2023, 2024).is_valid());
		assert!(!scope(&[RecordKind::VatReturn, RecordKind::VatReturn], 2023, 2024).is_valid());
		assert!(!scope(&[RecordKind::VatReturn], 2024, 2023).is_valid());
		assert!(!scope(&[RecordKind::VatReturn], FIRST_YEAR - 1, 2023).is_valid());
		assert!(!scope(&[RecordKind::VatReturn], 2023, LAST_YEAR + 1).is_valid());
	}
}
