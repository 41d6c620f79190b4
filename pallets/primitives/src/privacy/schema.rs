//! The canonical tax record and its field catalogue.
//!
//! A record is its public header (enterprise, period, kind, rating) and a list of figures, in
//! ascending key order, each key at most once: two parties who hold the same figures always
//! produce the same bytes, so commitments made by one are checked by the other.
//!
//! - **Schema version 1** records carry any non-empty subset of their kind's figures, of any
//!   size. Their sealed length therefore tells magnitudes apart; they stay readable, but the
//!   chain takes no new ones.
//! - **Schema version 2** records carry every figure of their kind's [catalogue], each below
//!   2^[`FIGURE_BITS`], so every record of a kind seals to the same length and every figure
//!   can be committed as a Pedersen commitment that range proofs never wrap.
//!
//! [catalogue]: FieldKey::catalogue

use crate::{Period, Rating, RecordKind, Uscc};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The record schema new records follow (and the chain takes).
pub const SCHEMA_VERSION: u16 = 2;

/// The first record schema: still read and verified, no longer attested.
pub const SCHEMA_V1: u16 = 1;

/// Every figure of a version-2 record is below 2^`FIGURE_BITS` (fen or a count).
pub const FIGURE_BITS: u32 = 64;

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
	/// The figures a record of `kind` carries, in canonical (ascending key) order: all of them
	/// in a version-2 record, some of them in a version-1 record.
	pub fn catalogue(kind: RecordKind) -> &'static [FieldKey] {
		use FieldKey::*;
		match kind {
			RecordKind::VatReturn => {
				&[TaxableSales, OutputTax, InputTax, TaxPayable, TaxPaid, InvoicesIssued]
			}
			RecordKind::IncomeTaxReturn => &[TaxPayable, TaxPaid, Revenue, TaxableIncome],
			RecordKind::PaymentCertificate => &[TaxPaid],
			RecordKind::FilingCompliance => &[FilingsDue, FilingsOnTime, Arrears, Penalties],
			RecordKind::AnnualSummary => {
				&[TaxPayable, TaxPaid, Revenue, InvoicesIssued, Arrears, Penalties, CreditScore]
			}
		}
	}

	/// Whether a record of `kind` may carry this figure.
	pub fn belongs_to(&self, kind: RecordKind) -> bool {
		Self::catalogue(kind).contains(self)
	}

	/// Whether the figure is an amount of money in fen; the others are counts and the score.
	pub fn is_amount(&self) -> bool {
		!matches!(
			self,
			FieldKey::InvoicesIssued
				| FieldKey::FilingsDue
				| FieldKey::FilingsOnTime
				| FieldKey::CreditScore
		)
	}

	/// The largest value the figure may take in a version-2 record.
	pub fn max_value(&self) -> u64 {
		match self {
			FieldKey::CreditScore => MAX_SCORE as u64,
			_ => u64::MAX,
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
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, MaxEncodedLen, TypeInfo)]
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

/// Why a record is not canonical under its schema version.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SchemaError {
	/// The header names a schema version this codec does not know.
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
	/// A version-2 record lacks this figure of its kind's catalogue.
	FieldMissing(FieldKey),
	/// A version-2 figure at or above 2^[`FIGURE_BITS`].
	ValueOutOfRange(FieldKey),
}

impl TaxRecord {
	/// Makes a canonical record: sorts the fields by key and checks the result.
	pub fn new(header: RecordHeader, mut fields: Vec<Field>) -> Result<Self, SchemaError> {
		fields.sort_by_key(|field| field.key);
		let record = Self { header, fields };
		record.check()?;
		Ok(record)
	}

	/// Checks that the record is canonical under its header's schema version.
	pub fn check(&self) -> Result<(), SchemaError> {
		self.header.check()?;
		if self.header.schema_version == SCHEMA_VERSION {
			self.check_complete()?;
		}
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

	/// Version 2: every figure of the kind's catalogue, each within its range.
	fn check_complete(&self) -> Result<(), SchemaError> {
		let catalogue = FieldKey::catalogue(self.header.kind);
		if let Some(missing) = catalogue.iter().find(|key| self.value(**key).is_none()) {
			return Err(SchemaError::FieldMissing(*missing));
		}
		match self.fields.iter().find(|field| field.value > u128::from(field.key.max_value())) {
			Some(field) if field.key == FieldKey::CreditScore => Err(SchemaError::ScoreOutOfRange),
			Some(field) => Err(SchemaError::ValueOutOfRange(field.key)),
			None => Ok(()),
		}
	}

	/// The figures as a version-2 record holds them, in catalogue order; `None` unless the
	/// record is a canonical version-2 record.
	pub fn figures(&self) -> Option<Vec<(FieldKey, u64)>> {
		if self.header.schema_version != SCHEMA_VERSION || self.check().is_err() {
			return None;
		}
		self.fields
			.iter()
			.map(|field| Some((field.key, u64::try_from(field.value).ok()?)))
			.collect()
	}

	/// The value of one figure, if the record carries it.
	pub fn value(&self, key: FieldKey) -> Option<u128> {
		self.fields.iter().find(|field| field.key == key).map(|field| field.value)
	}
}

impl RecordHeader {
	/// Checks the header on its own: version, period, kind and rating agree.
	pub fn check(&self) -> Result<(), SchemaError> {
		if ![SCHEMA_V1, SCHEMA_VERSION].contains(&self.schema_version) {
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
		RecordHeader { schema_version: SCHEMA_V1, enterprise, period, kind, rating }
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
		wrong_version.schema_version = SCHEMA_VERSION + 1;
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

	fn complete(kind: RecordKind, period: Period, rating: Option<Rating>) -> TaxRecord {
		let header =
			RecordHeader { schema_version: SCHEMA_VERSION, ..header(kind, period, rating) };
		let fields = FieldKey::catalogue(kind).iter().map(|&key| Field { key, value: 0 });
		TaxRecord::new(header, fields.collect()).expect("complete")
	}

	#[test]
	fn catalogues_are_in_canonical_order_and_agree_with_belongs_to() {
		let kinds = [
			RecordKind::VatReturn,
			RecordKind::IncomeTaxReturn,
			RecordKind::PaymentCertificate,
			RecordKind::FilingCompliance,
			RecordKind::AnnualSummary,
		];
		for kind in kinds {
			let catalogue = FieldKey::catalogue(kind);
			assert!(catalogue.windows(2).all(|pair| pair[0] < pair[1]), "{kind:?}");
			assert!(catalogue.len() <= MAX_FIELDS as usize);
		}
		assert!(FieldKey::Revenue.belongs_to(RecordKind::AnnualSummary));
		assert!(!FieldKey::OutputTax.belongs_to(RecordKind::AnnualSummary));
	}

	#[test]
	fn version_two_records_carry_every_figure_of_their_kind_within_range() {
		let year = Period::Year(2025);
		let summary = complete(RecordKind::AnnualSummary, year, Some(Rating::A));
		assert_eq!(summary.figures().map(|f| f.len()), Some(7));
		let mut partial = summary.clone();
		partial.fields.retain(|field| field.key != FieldKey::Arrears);
		assert_eq!(partial.check(), Err(SchemaError::FieldMissing(FieldKey::Arrears)));
		assert_eq!(partial.figures(), None);
		let mut huge = summary.clone();
		huge.fields[2].value = 1 << FIGURE_BITS;
		assert_eq!(huge.check(), Err(SchemaError::ValueOutOfRange(FieldKey::Revenue)));
		huge.fields[2].value = u128::from(u64::MAX);
		assert_eq!(huge.check(), Ok(()));
		let mut score = summary;
		score.fields[6].value = MAX_SCORE + 1;
		assert_eq!(score.check(), Err(SchemaError::ScoreOutOfRange));
		let v1 = TaxRecord::new(vat(), vec![Field { key: FieldKey::TaxPaid, value: 1 << 70 }]);
		assert!(v1.is_ok(), "version 1 keeps its looser rules for records attested before");
	}
}
