//! The canonical tax record (schema version 1) and its encoding.
//!
//! A record is its public header (enterprise, period, kind, rating) and a list of figures. Its
//! canonical encoding is the SCALE encoding of [`TaxRecord`] with the fields in ascending key
//! order, each key at most once: two parties who hold the same figures always produce the same
//! bytes, so commitments made by one are checked by the other.

use crate::{Period, Rating, RecordKind, Uscc};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The record schema this codec writes and reads.
pub const SCHEMA_VERSION: u16 = 1;

/// Most figures one record carries.
pub const MAX_FIELDS: u32 = 16;

/// Highest credit score a bureau assigns.
pub const MAX_SCORE: u128 = 100;

/// A figure a record may carry. Amounts are in fen (CNY minor units), counts are whole
/// numbers, the score is out of [`MAX_SCORE`]. The numbers are the keys' canonical order and
/// never change within a schema version.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
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
pub enum FieldKey {
	/// Sales subject to VAT (fen).
	TaxableSales = 1,
	/// VAT on sales (fen).
	OutputTax = 2,
	/// Deductible VAT on purchases (fen).
	InputTax = 3,
	/// Tax due for the period (fen).
	TaxPayable = 4,
	/// Tax actually paid for the period (fen).
	TaxPaid = 5,
	/// Operating revenue (fen).
	Revenue = 6,
	/// Taxable income (fen).
	TaxableIncome = 7,
	/// VAT invoices issued (count).
	InvoicesIssued = 8,
	/// Filings due in the period (count).
	FilingsDue = 9,
	/// Filings made on time (count).
	FilingsOnTime = 10,
	/// Tax overdue at the end of the period (fen).
	Arrears = 11,
	/// Penalties imposed in the period (fen).
	Penalties = 12,
	/// The credit score behind the rating (out of 100).
	CreditScore = 13,
}

impl FieldKey {
	/// Whether a record of `kind` may carry this figure.
	pub fn belongs_to(&self, kind: RecordKind) -> bool {
		use FieldKey::*;
		match kind {
			RecordKind::VatReturn => matches!(
				self,
				TaxableSales | OutputTax | InputTax | TaxPayable | TaxPaid | InvoicesIssued
			),
			RecordKind::IncomeTaxReturn => {
				matches!(self, Revenue | TaxableIncome | TaxPayable | TaxPaid)
			}
			RecordKind::PaymentCertificate => matches!(self, TaxPaid),
			RecordKind::FilingCompliance => {
				matches!(self, FilingsDue | FilingsOnTime | Arrears | Penalties)
			}
			RecordKind::AnnualSummary => matches!(
				self,
				Revenue | TaxPaid | TaxPayable | InvoicesIssued | Arrears | Penalties | CreditScore
			),
		}
	}
}

/// One figure of a record.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Field {
	/// Which figure.
	pub key: FieldKey,
	/// Its value, in the key's unit.
	#[codec(compact)]
	pub value: u128,
}

/// The part of a record that is public on the chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct RecordHeader {
	/// The schema version the record follows.
	pub schema_version: u16,
	/// The enterprise it is about.
	pub enterprise: Uscc,
	/// The period it covers.
	pub period: Period,
	/// What it attests.
	pub kind: RecordKind,
	/// The rating, in clear, for annual summaries only.
	pub rating: Option<Rating>,
}

/// A tax record in its canonical form.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct TaxRecord {
	/// The public part.
	pub header: RecordHeader,
	/// The figures, in ascending key order, each key once.
	pub fields: Vec<Field>,
}

/// Why a record is not canonical under schema version 1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SchemaError {
	/// The header names another schema version.
	UnsupportedVersion,
	/// The period does not exist (year out of range, quarter or month out of bounds).
	InvalidPeriod,
	/// The kind of record cannot cover that period (e.g. an annual summary for a month).
	PeriodNotCovered,
	/// An annual summary lacks its rating, or another kind carries one.
	RatingMismatch,
	/// No figures, or more than [`MAX_FIELDS`].
	FieldCount,
	/// Fields out of ascending key order, or a key twice.
	FieldOrder,
	/// A figure that records of this kind do not carry.
	FieldNotInKind(FieldKey),
	/// A credit score above [`MAX_SCORE`].
	ScoreOutOfRange,
}

impl TaxRecord {
	/// Makes a canonical record: sorts the fields by key and checks the result.
	pub fn new(header: RecordHeader, mut fields: Vec<Field>) -> Result<Self, SchemaError> {
		fields.sort_by_key(|field| field.key);
		let record = Self { header, fields };
		record.check()?;
		Ok(record)
	}

	/// Checks that the record is canonical under [`SCHEMA_VERSION`].
	pub fn check(&self) -> Result<(), SchemaError> {
		self.header.check()?;
		let count = self.fields.len();
		if count == 0 || count > MAX_FIELDS as usize {
			return Err(SchemaError::FieldCount);
		}
		if self.fields.windows(2).any(|pair| matches!(pair, [a, b] if a.key >= b.key)) {
			return Err(SchemaError::FieldOrder);
		}
		for field in &self.fields {
			if !field.key.belongs_to(self.header.kind) {
				return Err(SchemaError::FieldNotInKind(field.key));
			}
			if field.key == FieldKey::CreditScore && field.value > MAX_SCORE {
				return Err(SchemaError::ScoreOutOfRange);
			}
		}
		Ok(())
	}

	/// The value of one figure, if the record carries it.
	pub fn value(&self, key: FieldKey) -> Option<u128> {
		self.fields.iter().find(|field| field.key == key).map(|field| field.value)
	}
}

impl RecordHeader {
	/// Checks the header on its own: version, period, kind and rating agree.
	pub fn check(&self) -> Result<(), SchemaError> {
		if self.schema_version != SCHEMA_VERSION {
			return Err(SchemaError::UnsupportedVersion);
		}
		if !self.period.is_valid() {
			return Err(SchemaError::InvalidPeriod);
		}
		if !self.kind.covers(&self.period) {
			return Err(SchemaError::PeriodNotCovered);
		}
		if self.kind.carries_rating() != self.rating.is_some() {
			return Err(SchemaError::RatingMismatch);
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn header(kind: RecordKind, period: Period, rating: Option<Rating>) -> RecordHeader {
		let enterprise = Uscc::parse(b"91350100M000100Y43").expect("a real code");
		RecordHeader { schema_version: SCHEMA_VERSION, enterprise, period, kind, rating }
	}

	fn vat() -> RecordHeader {
		header(RecordKind::VatReturn, Period::Quarter { year: 2025, quarter: 2 }, None)
	}

	#[test]
	fn new_sorts_fields_into_canonical_order() {
		let record = TaxRecord::new(
			vat(),
			vec![
				Field { key: FieldKey::TaxPaid, value: 5 },
				Field { key: FieldKey::TaxableSales, value: 1 },
			],
		)
		.expect("valid");
		assert_eq!(record.fields[0].key, FieldKey::TaxableSales);
		assert_eq!(record.value(FieldKey::TaxPaid), Some(5));
		assert_eq!(record.value(FieldKey::Revenue), None);
	}

	#[test]
	fn non_canonical_records_are_refused() {
		let paid = Field { key: FieldKey::TaxPaid, value: 1 };
		assert_eq!(TaxRecord::new(vat(), vec![]), Err(SchemaError::FieldCount));
		assert_eq!(TaxRecord::new(vat(), vec![paid, paid]), Err(SchemaError::FieldOrder));
		let unsorted = TaxRecord {
			header: vat(),
			fields: vec![paid, Field { key: FieldKey::TaxableSales, value: 1 }],
		};
		assert_eq!(unsorted.check(), Err(SchemaError::FieldOrder));
		assert_eq!(
			TaxRecord::new(vat(), vec![Field { key: FieldKey::CreditScore, value: 90 }]),
			Err(SchemaError::FieldNotInKind(FieldKey::CreditScore))
		);
		let summary = header(RecordKind::AnnualSummary, Period::Year(2025), Some(Rating::A));
		assert_eq!(
			TaxRecord::new(summary, vec![Field { key: FieldKey::CreditScore, value: 101 }]),
			Err(SchemaError::ScoreOutOfRange)
		);
		let too_many = (0..=MAX_FIELDS).map(|_| paid).collect();
		assert_eq!(TaxRecord::new(vat(), too_many), Err(SchemaError::FieldCount));
	}

	#[test]
	fn headers_must_agree_with_themselves() {
		let mut wrong_version = vat();
		wrong_version.schema_version = 2;
		assert_eq!(wrong_version.check(), Err(SchemaError::UnsupportedVersion));
		let bad_month =
			header(RecordKind::VatReturn, Period::Month { year: 2025, month: 13 }, None);
		assert_eq!(bad_month.check(), Err(SchemaError::InvalidPeriod));
		let vat_for_a_year = header(RecordKind::VatReturn, Period::Year(2025), None);
		assert_eq!(vat_for_a_year.check(), Err(SchemaError::PeriodNotCovered));
		let unrated_summary = header(RecordKind::AnnualSummary, Period::Year(2025), None);
		assert_eq!(unrated_summary.check(), Err(SchemaError::RatingMismatch));
		let rated_vat =
			header(RecordKind::VatReturn, Period::Month { year: 2025, month: 1 }, Some(Rating::A));
		assert_eq!(rated_vat.check(), Err(SchemaError::RatingMismatch));
	}
}
