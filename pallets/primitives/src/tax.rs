//! Enterprises' tax records as the chain knows them: what a record is about (period, kind), the
//! rating tax bureaus publish, and what other pallets may ask about enterprises and records.

use crate::Uscc;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A tax record's number on the chain. Every version of a record has its own.
pub type RecordId = u64;

/// Earliest year a record may be about: the year the unified social credit code was introduced.
pub const FIRST_YEAR: u16 = 2015;
/// Latest year a record may be about; far enough ahead that no record is refused for being
/// recent, near enough that a mistyped year is caught.
pub const LAST_YEAR: u16 = 2199;

/// The stretch of time a tax record covers.
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
)]
pub enum Period {
	/// A calendar year.
	Year(u16),
	/// A quarter (1 to 4) of a year.
	Quarter { year: u16, quarter: u8 },
	/// A month (1 to 12) of a year.
	Month { year: u16, month: u8 },
}

impl Period {
	/// The year the period falls in.
	pub fn year(&self) -> u16 {
		match *self {
			Period::Year(year) => year,
			Period::Quarter { year, .. } | Period::Month { year, .. } => year,
		}
	}

	/// The period of the same length that follows, if within the calendar's years.
	pub fn next(&self) -> Option<Period> {
		let next = match *self {
			Period::Year(year) => Period::Year(year.checked_add(1)?),
			Period::Quarter { year, quarter: 4 } => {
				Period::Quarter { year: year.checked_add(1)?, quarter: 1 }
			}
			Period::Quarter { year, quarter } => {
				Period::Quarter { year, quarter: quarter.checked_add(1)? }
			}
			Period::Month { year, month: 12 } => {
				Period::Month { year: year.checked_add(1)?, month: 1 }
			}
			Period::Month { year, month } => Period::Month { year, month: month.checked_add(1)? },
		};
		next.is_valid().then_some(next)
	}

	/// Whether the period exists: a year in [`FIRST_YEAR`]..=[`LAST_YEAR`], a quarter 1–4, a
	/// month 1–12.
	pub fn is_valid(&self) -> bool {
		let year_ok = (FIRST_YEAR..=LAST_YEAR).contains(&self.year());
		year_ok
			&& match *self {
				Period::Year(_) => true,
				Period::Quarter { quarter, .. } => (1..=4).contains(&quarter),
				Period::Month { month, .. } => (1..=12).contains(&month),
			}
	}
}

/// A period in JSON is `{"year": Y}`, `{"year": Y, "quarter": Q}` or `{"year": Y, "month": M}`.
/// The nested forms of earlier files (`{"quarter": {"year": Y, "quarter": Q}}`, and likewise
/// for months) are still read.
impl serde::Serialize for Period {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		use serde::ser::SerializeMap;
		let part = match *self {
			Period::Year(_) => None,
			Period::Quarter { quarter, .. } => Some(("quarter", quarter)),
			Period::Month { month, .. } => Some(("month", month)),
		};
		let mut map = serializer.serialize_map(Some(1 + usize::from(part.is_some())))?;
		map.serialize_entry("year", &self.year())?;
		if let Some((name, number)) = part {
			map.serialize_entry(name, &number)?;
		}
		map.end()
	}
}

/// A period as JSON spells it (see [`Period`]'s `Serialize`).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodJson {
	year: Option<u16>,
	quarter: Option<PartJson>,
	month: Option<PartJson>,
}

/// A quarter or month: its number, or the nested form of earlier files.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum PartJson {
	Number(u8),
	Nested { year: u16, quarter: Option<u8>, month: Option<u8> },
}

impl<'de> serde::Deserialize<'de> for Period {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		use PartJson::{Nested, Number};
		let json = PeriodJson::deserialize(deserializer)?;
		let period = match (json.year, json.quarter, json.month) {
			(Some(year), None, None) => Period::Year(year),
			(Some(year), Some(Number(quarter)), None) => Period::Quarter { year, quarter },
			(Some(year), None, Some(Number(month))) => Period::Month { year, month },
			(None, Some(Nested { year, quarter: Some(quarter), month: None }), None) => {
				Period::Quarter { year, quarter }
			}
			(None, None, Some(Nested { year, month: Some(month), quarter: None })) => {
				Period::Month { year, month }
			}
			_ => {
				return Err(serde::de::Error::custom(
					"a period is {\"year\": Y}, {\"year\": Y, \"quarter\": Q} or {\"year\": Y, \"month\": M}",
				))
			}
		};
		Ok(period)
	}
}

/// What a tax record attests.
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
pub enum RecordKind {
	/// A value-added-tax return (filed monthly or quarterly).
	VatReturn,
	/// An enterprise-income-tax return (quarterly prepayment or the annual settlement).
	IncomeTaxReturn,
	/// A certificate of tax paid in a period.
	PaymentCertificate,
	/// Filing compliance: filings due and on time, arrears, penalties.
	FilingCompliance,
	/// The year's summary, with the tax credit rating the bureau assigned.
	AnnualSummary,
}

impl RecordKind {
	/// Whether a record of this kind can cover `period`: VAT returns are monthly or quarterly,
	/// income-tax returns quarterly or annual, annual summaries annual; the rest any period.
	pub fn covers(&self, period: &Period) -> bool {
		match self {
			RecordKind::VatReturn => !matches!(period, Period::Year(_)),
			RecordKind::IncomeTaxReturn => !matches!(period, Period::Month { .. }),
			RecordKind::AnnualSummary => matches!(period, Period::Year(_)),
			RecordKind::PaymentCertificate | RecordKind::FilingCompliance => true,
		}
	}

	/// Whether records of this kind carry the tax credit rating in clear. Only the annual
	/// summary does: bureaus publish ratings yearly; every other figure stays sealed.
	pub fn carries_rating(&self) -> bool {
		matches!(self, RecordKind::AnnualSummary)
	}
}

/// The tax credit rating (纳税信用级别) a bureau assigns each year.
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
pub enum Rating {
	/// Score 90 or more.
	A,
	/// Score 70 to under 90.
	B,
	/// New enterprises, or no revenue in the year, with a score of 70 or more.
	M,
	/// Score 40 to under 70.
	C,
	/// Score under 40, or assigned directly for serious violations.
	D,
}

/// What other pallets may learn about a tax record.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RecordInfo {
	/// The enterprise the record is about.
	pub enterprise: Uscc,
	/// The period it covers.
	pub period: Period,
	/// What it attests.
	pub kind: RecordKind,
	/// The rating, for annual summaries.
	pub rating: Option<Rating>,
	/// The record schema it follows, which is also the format version of its envelopes.
	pub schema_version: u16,
	/// The commitment to its fields (see [`crate::privacy`]).
	pub commitment: [u8; 32],
	/// Whether this is the record's current version: neither amended since nor revoked.
	pub current: bool,
}

/// What other pallets may ask about tax records, without depending on the pallet that keeps
/// them.
pub trait RecordInspect {
	/// The record with this id, current or not.
	fn record(id: RecordId) -> Option<RecordInfo>;
	/// The current version of `enterprise`'s record of `kind` for `period`, if there is one.
	fn current_record(enterprise: &Uscc, period: &Period, kind: RecordKind) -> Option<RecordId>;
}

/// What other pallets may ask about registered enterprises.
pub trait EnterpriseInspect<AccountId> {
	/// The registered enterprise `who` is a controller of: an account allowed to act for it.
	fn enterprise_of(who: &AccountId) -> Option<Uscc>;
	/// Whether `enterprise` is registered (and not deregistered).
	fn is_registered(enterprise: &Uscc) -> bool;
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn periods_outside_the_calendar_are_invalid() {
		assert!(Period::Year(2024).is_valid());
		assert!(Period::Quarter { year: 2024, quarter: 4 }.is_valid());
		assert!(Period::Month { year: 2024, month: 12 }.is_valid());
		assert!(!Period::Year(FIRST_YEAR - 1).is_valid());
		assert!(!Period::Year(LAST_YEAR + 1).is_valid());
		assert!(!Period::Quarter { year: 2024, quarter: 0 }.is_valid());
		assert!(!Period::Quarter { year: 2024, quarter: 5 }.is_valid());
		assert!(!Period::Month { year: 2024, month: 0 }.is_valid());
		assert!(!Period::Month { year: 2024, month: 13 }.is_valid());
	}

	#[test]
	fn periods_read_and_write_their_natural_json() {
		let cases = [
			(Period::Year(2024), r#"{"year":2024}"#),
			(Period::Quarter { year: 2024, quarter: 2 }, r#"{"year":2024,"quarter":2}"#),
			(Period::Month { year: 2024, month: 11 }, r#"{"year":2024,"month":11}"#),
		];
		for (period, json) in cases {
			assert_eq!(serde_json::to_string(&period).expect("json"), json);
			assert_eq!(serde_json::from_str::<Period>(json).expect("reads"), period);
		}
		let nested = r#"{"quarter":{"year":2024,"quarter":2}}"#;
		let expected = Period::Quarter { year: 2024, quarter: 2 };
		assert_eq!(serde_json::from_str::<Period>(nested).expect("reads"), expected);
		let nested = r#"{"month":{"year":2024,"month":1}}"#;
		let expected = Period::Month { year: 2024, month: 1 };
		assert_eq!(serde_json::from_str::<Period>(nested).expect("reads"), expected);
		for wrong in [r#"{"year":2024,"quarter":2,"month":4}"#, r#"{"quarter":2}"#, r#"{}"#] {
			let error = serde_json::from_str::<Period>(wrong).expect_err(wrong).to_string();
			assert!(error.contains("a period is"), "{wrong}: {error}");
		}
		assert!(serde_json::from_str::<Period>(r#"{"year":2024,"week":2}"#).is_err());
	}

	#[test]
	fn each_period_is_followed_by_the_next_of_its_length() {
		assert_eq!(Period::Year(2024).next(), Some(Period::Year(2025)));
		let q4 = Period::Quarter { year: 2024, quarter: 4 };
		assert_eq!(q4.next(), Some(Period::Quarter { year: 2025, quarter: 1 }));
		let march = Period::Month { year: 2024, month: 3 };
		assert_eq!(march.next(), Some(Period::Month { year: 2024, month: 4 }));
		let december = Period::Month { year: 2024, month: 12 };
		assert_eq!(december.next(), Some(Period::Month { year: 2025, month: 1 }));
		assert_eq!(Period::Year(LAST_YEAR).next(), None);
	}

	#[test]
	fn kinds_cover_their_periods_only() {
		let year = Period::Year(2024);
		let quarter = Period::Quarter { year: 2024, quarter: 1 };
		let month = Period::Month { year: 2024, month: 1 };
		assert!(!RecordKind::VatReturn.covers(&year));
		assert!(RecordKind::VatReturn.covers(&quarter) && RecordKind::VatReturn.covers(&month));
		assert!(RecordKind::IncomeTaxReturn.covers(&year));
		assert!(!RecordKind::IncomeTaxReturn.covers(&month));
		assert!(RecordKind::AnnualSummary.covers(&year));
		assert!(!RecordKind::AnnualSummary.covers(&quarter));
		assert!(RecordKind::FilingCompliance.covers(&month));
		assert!(RecordKind::AnnualSummary.carries_rating());
		assert!(!RecordKind::VatReturn.carries_rating());
	}
}
